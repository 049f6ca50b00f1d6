import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, copyButtonsScript, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

/** The kinds of application an administrator picks from, each with the settings it needs. */
export const applicationTypes = {
  web: 'Web application with a server (authorization code, a client secret)',
  spa: 'Single-page application in the browser (authorization code with PKCE, no secret)',
  native: 'Native or mobile app (authorization code with PKCE, no secret)',
  m2m: 'Machine to machine (client credentials, a client secret)',
} as const;
export type ApplicationType = keyof typeof applicationTypes;

export interface ApplicationsView {
  readonly notice?: Notice;
  readonly applications: readonly { readonly id: string; readonly name: string; readonly kind: string; readonly path: string }[];
  /** The OIDC application just created, with its secret: shown this once. */
  readonly created?: { readonly clientId: string; readonly secret?: string; readonly issuer: string; readonly redirectUri?: string };
  /** The SAML service provider just registered, and what to set up on its side. */
  readonly registered?: { readonly name: string; readonly entityId: string; readonly acsUrl: string; readonly issuer: string; readonly metadataUrl: string; readonly encrypted: boolean };
  /** What the administrator pasted, kept when it was refused. */
  readonly metadataDraft?: { readonly name: string; readonly xml: string };
}

const js = (value: string) => JSON.stringify(value).replace(/</g, '\\u003c');

const oidcSnippet = (created: NonNullable<ApplicationsView['created']>) => `import * as client from 'openid-client';
const config = await client.discovery(new URL(${js(created.issuer)}), ${js(created.clientId)}${created.secret ? `, process.env.CLIENT_SECRET` : ''});
${created.redirectUri ? `const verifier = client.randomPKCECodeVerifier();
const url = client.buildAuthorizationUrl(config, { redirect_uri: ${js(created.redirectUri)}, scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });` : `const tokens = await client.clientCredentialsGrant(config);`}`;

const samlSnippet = (sp: NonNullable<ApplicationsView['registered']>) => `import { SAML } from '@node-saml/node-saml';
// idpCert: the <X509Certificate> of ${sp.metadataUrl}
const saml = new SAML({
  entryPoint: ${js(`${sp.issuer}/saml2/sso`)},
  idpIssuer: ${js(sp.issuer)},
  issuer: ${js(sp.entityId)},
  callbackUrl: ${js(sp.acsUrl)},
  idpCert: process.env.IDP_CERT,
  logoutUrl: ${js(`${sp.issuer}/saml2/slo`)},
  wantAssertionsSigned: true,
  signatureAlgorithm: 'sha256',${sp.encrypted ? `\n  decryptionPvk: process.env.SP_ENCRYPTION_KEY,` : ''}
});`;

const codeSample = (id: string, label: string, code: string) => html`<pre tabindex="0" aria-label="${label}"><code id="${id}" data-copy="${label.replace(/^Code/, 'the code')}">${code}</code></pre>`;

export function applicationsPage(frame: ConsoleFrame, view: ApplicationsView): string {
  const { created, registered } = view;
  return consolePage(frame, 'Applications', html`${noticeOf(view.notice)}${created ? html`<section aria-labelledby="created-heading" class="note"><h2 id="created-heading">Your new application</h2>
<dl><dt>Client ID</dt><dd><code id="client-id">${created.clientId}</code></dd>${created.secret ? html`<dt>Client secret (shown this once: copy it now)</dt><dd><code id="client-secret" data-copy="the client secret">${created.secret}</code></dd>` : ''}</dl>
<p>With openid-client:</p>
${codeSample('snippet', 'Code to use the application with openid-client', oidcSnippet(created))}</section>` : ''}${registered ? html`<section aria-labelledby="registered-heading" class="note"><h2 id="registered-heading">${registered.name} is registered</h2>
<dl><dt>Give the service provider this metadata URL</dt><dd><code id="idp-metadata-url" data-copy="the metadata URL">${registered.metadataUrl}</code></dd>
<dt>Identity provider entity ID</dt><dd><code>${registered.issuer}</code></dd>
<dt>Assertions go to</dt><dd><code id="sp-acs">${registered.acsUrl}</code></dd></dl>
<p>With @node-saml/node-saml on the service provider's side:</p>
${codeSample('saml-snippet', 'Code to use this identity provider with node-saml', samlSnippet(registered))}</section>` : ''}
<table><thead><tr><th scope="col">Application</th><th scope="col">Client ID or entity ID</th><th scope="col">Kind</th></tr></thead>
<tbody>${view.applications.length ? view.applications.map((a) => html`<tr><td><a href="${frame.base}${a.path}">${a.name}</a></td><td><code>${a.id}</code></td><td>${a.kind}</td></tr>`) : html`<tr><td colspan="3" class="muted">None yet.</td></tr>`}</tbody></table>
<section aria-labelledby="new-heading"><h2 id="new-heading">New OpenID Connect application</h2>
<form method="post" action="${frame.base}/applications">${csrfField(frame)}
<label for="app-name">Name<input id="app-name" name="name" required maxlength="100"></label>
<fieldset><legend>Kind</legend>${(Object.entries(applicationTypes) as [ApplicationType, string][]).map(([type, label], i) => html`<label class="choice"><input type="radio" name="type" value="${type}"${i === 0 ? ' checked' : ''}> ${label}</label>`)}</fieldset>
<label for="app-redirect">Redirect URI (not for machine to machine)<input id="app-redirect" name="redirect_uri" type="url" maxlength="2048" placeholder="https://app.example.com/callback"></label>
<button type="submit">Create the application</button>
</form></section>
<section aria-labelledby="saml-heading"><h2 id="saml-heading">New SAML service provider</h2>
<form method="post" action="${frame.base}/applications/saml">${csrfField(frame)}
<label for="sp-name">Name (optional: else its entity ID)<input id="sp-name" name="name" maxlength="128" value="${view.metadataDraft?.name ?? ''}"></label>
<label for="sp-metadata">Its SAML metadata (the XML document the service provider publishes)<textarea id="sp-metadata" name="metadata" required rows="8" maxlength="200000" spellcheck="false">${view.metadataDraft?.xml ?? ''}</textarea></label>
<button type="submit">Register the service provider</button>
</form><p class="muted">Assertion consumer endpoints, certificates, signed-request and encryption wishes and the NameID format are read from the metadata.</p></section>`, created || registered ? copyButtonsScript : undefined);
}
