import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

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
  readonly applications: readonly { readonly clientId: string; readonly name: string; readonly kind: string }[];
  /** The application just created, with its secret: shown this once. */
  readonly created?: { readonly clientId: string; readonly secret?: string; readonly issuer: string; readonly redirectUri?: string };
}

export function applicationsPage(frame: ConsoleFrame, view: ApplicationsView): string {
  const created = view.created;
  return consolePage(frame, 'Applications', html`${noticeOf(view.notice)}${created ? html`<section aria-labelledby="created-heading" class="note"><h2 id="created-heading">Your new application</h2>
<dl><dt>Client ID</dt><dd><code id="client-id">${created.clientId}</code></dd>${created.secret ? html`<dt>Client secret (shown this once: copy it now)</dt><dd><code id="client-secret">${created.secret}</code></dd>` : ''}</dl>
<p>With openid-client:</p>
<pre tabindex="0" aria-label="Code to use the application with openid-client"><code id="snippet">import * as client from 'openid-client';
const config = await client.discovery(new URL('${created.issuer}'), '${created.clientId}'${created.secret ? `, '<the client secret>'` : ''});
${created.redirectUri ? `const verifier = client.randomPKCECodeVerifier();
const url = client.buildAuthorizationUrl(config, { redirect_uri: '${created.redirectUri}', scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });` : `const tokens = await client.clientCredentialsGrant(config);`}</code></pre></section>` : ''}
<table><thead><tr><th scope="col">Application</th><th scope="col">Client ID</th><th scope="col">Kind</th></tr></thead>
<tbody>${view.applications.length ? view.applications.map((a) => html`<tr><td>${a.name}</td><td><code>${a.clientId}</code></td><td>${a.kind}</td></tr>`) : html`<tr><td colspan="3" class="muted">None yet.</td></tr>`}</tbody></table>
<section aria-labelledby="new-heading"><h2 id="new-heading">New OpenID Connect application</h2>
<form method="post" action="${frame.base}/applications">${csrfField(frame)}
<label for="app-name">Name<input id="app-name" name="name" required maxlength="100"></label>
<fieldset><legend>Kind</legend>${(Object.entries(applicationTypes) as [ApplicationType, string][]).map(([type, label], i) => html`<label class="choice"><input type="radio" name="type" value="${type}"${i === 0 ? ' checked' : ''}> ${label}</label>`)}</fieldset>
<label for="app-redirect">Redirect URI (not for machine to machine)<input id="app-redirect" name="redirect_uri" type="url" maxlength="2048" placeholder="https://app.example.com/callback"></label>
<button type="submit">Create the application</button>
</form></section>`);
}
