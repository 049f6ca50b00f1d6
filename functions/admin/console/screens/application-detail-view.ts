import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, copyButtonsScript, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

/** An OIDC application as the API shows it (RFC 7591 metadata). */
export interface ApplicationRecord {
  readonly client_id: string;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly grant_types: readonly string[];
  readonly token_endpoint_auth_method: string;
  readonly scope: string;
  readonly id_token_signed_response_alg: string;
  readonly require_pushed_authorization_requests: boolean;
  readonly first_party: boolean;
  readonly backchannel_logout_uri?: string;
  readonly client_secret?: string;
  readonly version: number;
}

export interface ApplicationDetailView {
  readonly application: ApplicationRecord;
  readonly notice?: Notice;
  /** A new secret, just issued: shown this once. */
  readonly secret?: string;
  /** The delete step: asks for the application's name. */
  readonly confirmDelete?: boolean;
}

const grants = { authorization_code: 'Authorization code (people sign in)', refresh_token: 'Refresh tokens', client_credentials: 'Client credentials (machine to machine)' } as const;
const checked = (on: boolean) => (on ? html` checked` : '');

export function applicationDetailPage(frame: ConsoleFrame, view: ApplicationDetailView): string {
  const a = view.application;
  const base = `${frame.base}/applications/${encodeURIComponent(a.client_id)}`;
  const usesSecret = a.token_endpoint_auth_method === 'client_secret_basic' || a.token_endpoint_auth_method === 'client_secret_post';
  return consolePage(frame, a.client_name, html`${noticeOf(view.notice)}<p><a href="${frame.base}/applications">All applications</a></p>
<dl><dt>Client ID</dt><dd><code id="client-id">${a.client_id}</code></dd>
<dt>Client authentication</dt><dd>${a.token_endpoint_auth_method === 'none' ? 'none (a public client: PKCE)' : a.token_endpoint_auth_method}</dd>
${view.secret ? html`<dt>New client secret (shown this once: copy it now)</dt><dd><code id="client-secret" data-copy="the client secret">${view.secret}</code></dd>` : ''}</dl>
${view.confirmDelete ? html`<section aria-labelledby="delete-heading" class="notice"><h2 id="delete-heading">Delete ${a.client_name}?</h2>
<p>Its users can no longer sign in to it, and its tokens stop working. This cannot be undone.</p>
<form method="post" action="${base}/delete">${csrfField(frame)}<input type="hidden" name="version" value="${String(a.version)}">
<label for="confirm-name">Type the application's name to confirm<input id="confirm-name" name="confirm" required maxlength="100" autocomplete="off"></label>
<button type="submit" class="danger">Delete the application</button></form></section>` : ''}
<section aria-labelledby="settings-heading"><h2 id="settings-heading">Settings</h2>
<form method="post" action="${base}/settings">${csrfField(frame)}<input type="hidden" name="version" value="${String(a.version)}">
<label for="name">Name<input id="name" name="client_name" required maxlength="100" value="${a.client_name}"></label>
<fieldset><legend>Grant types</legend>${(Object.entries(grants) as [keyof typeof grants, string][]).map(([grant, label]) => html`<label class="choice"><input type="checkbox" name="grant_types" value="${grant}"${checked(a.grant_types.includes(grant))}> ${label}</label>`)}</fieldset>
<label for="redirects">Redirect URIs (one per line)<textarea id="redirects" name="redirect_uris" rows="3" maxlength="41000" spellcheck="false">${a.redirect_uris.join('\n')}</textarea></label>
<label for="post-logout">Sign-out return URIs (one per line)<textarea id="post-logout" name="post_logout_redirect_uris" rows="2" maxlength="41000" spellcheck="false">${a.post_logout_redirect_uris.join('\n')}</textarea></label>
<label for="backchannel">Back-channel logout URI (optional)<input id="backchannel" name="backchannel_logout_uri" type="url" maxlength="2048" value="${a.backchannel_logout_uri ?? ''}"></label>
<label for="scope">Scopes it may ask for<input id="scope" name="scope" maxlength="1000" value="${a.scope}"></label>
<label for="alg">ID token signature<select id="alg" name="id_token_signed_response_alg">${['ES256', 'RS256'].map((alg) => html`<option${a.id_token_signed_response_alg === alg ? html` selected` : ''}>${alg}</option>`)}</select></label>
<label class="choice"><input type="checkbox" name="first_party" value="true"${checked(a.first_party)}> First party (its users are not asked for consent)</label>
<label class="choice"><input type="checkbox" name="require_pushed_authorization_requests" value="true"${checked(a.require_pushed_authorization_requests)}> Require pushed authorization requests (PAR)</label>
<button type="submit">Save</button></form></section>
${usesSecret ? html`<section aria-labelledby="secret-heading"><h2 id="secret-heading">Client secret</h2>
<form method="post" action="${base}/secret">${csrfField(frame)}<input type="hidden" name="version" value="${String(a.version)}"><p class="muted">A new secret works at once; the old one stops working at once.</p><button type="submit" class="secondary">Issue a new secret</button></form></section>` : ''}
${view.confirmDelete ? '' : html`<section aria-labelledby="danger-heading"><h2 id="danger-heading">Delete</h2>
<form method="get" action="${base}"><input type="hidden" name="delete" value="1"><button type="submit" class="secondary">Delete this application…</button></form></section>`}`, view.secret ? copyButtonsScript : undefined);
}

/** A SAML service provider as the API shows it. */
export interface ServiceProviderRecord {
  readonly id: string;
  readonly entityId: string;
  readonly name: string;
  readonly assertionConsumerServices: readonly { readonly url: string; readonly index: number; readonly isDefault: boolean }[];
  readonly singleLogoutService?: { readonly url: string };
  readonly signingCertificates: readonly string[];
  readonly requireSignedAuthnRequests: boolean;
  readonly signAssertion: boolean;
  readonly signResponse: boolean;
  readonly encryptAssertion: boolean;
  readonly nameIdFormat: string;
  readonly metadataUrl: string;
  readonly version: number;
}

export function serviceProviderPage(frame: ConsoleFrame, sp: ServiceProviderRecord, options: { notice?: Notice; confirmDelete?: boolean } = {}): string {
  const base = `${frame.base}/service-providers/${encodeURIComponent(sp.id)}`;
  const yes = (on: boolean) => (on ? 'yes' : 'no');
  return consolePage(frame, sp.name, html`${noticeOf(options.notice)}<p><a href="${frame.base}/applications">All applications</a></p>
<dl><dt>Entity ID</dt><dd><code>${sp.entityId}</code></dd>
<dt>Assertion consumer services</dt><dd>${sp.assertionConsumerServices.map((acs) => html`<code>${acs.url}</code>${acs.isDefault ? ' (default)' : ''} `)}</dd>
${sp.singleLogoutService ? html`<dt>Single logout</dt><dd><code>${sp.singleLogoutService.url}</code></dd>` : ''}
<dt>NameID format</dt><dd><code>${sp.nameIdFormat}</code></dd>
<dt>Signed requests required</dt><dd>${yes(sp.requireSignedAuthnRequests)} (${String(sp.signingCertificates.length)} certificate${sp.signingCertificates.length === 1 ? '' : 's'})</dd>
<dt>Signed response / assertion / encrypted assertion</dt><dd>${yes(sp.signResponse)} / ${yes(sp.signAssertion)} / ${yes(sp.encryptAssertion)}</dd>
<dt>This identity provider's metadata</dt><dd><code>${sp.metadataUrl}</code></dd></dl>
${options.confirmDelete ? html`<section aria-labelledby="delete-heading" class="notice"><h2 id="delete-heading">Delete ${sp.name}?</h2>
<p>Nobody can sign in to it through this identity provider any more. This cannot be undone.</p>
<form method="post" action="${base}/delete">${csrfField(frame)}<input type="hidden" name="version" value="${String(sp.version)}">
<label for="confirm-name">Type its entity ID to confirm<input id="confirm-name" name="confirm" required maxlength="1024" autocomplete="off"></label>
<button type="submit" class="danger">Delete the service provider</button></form></section>` : html`<section aria-labelledby="danger-heading"><h2 id="danger-heading">Delete</h2>
<form method="get" action="${base}"><input type="hidden" name="delete" value="1"><button type="submit" class="secondary">Delete this service provider…</button></form></section>`}`);
}
