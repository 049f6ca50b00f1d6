import { startSamlLogout } from '../../../shared/http/saml-logout.ts';
import { signedOutPath, upstreamLogoutHandoff } from '../../../shared/http/upstream-logout-handoff.ts';
import { endSessionFrom } from '../../../shared/http/session-ending.ts';
import { verifyIdTokenHint, type IdTokenHint } from '../../../shared/domain/oauth/id-token.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { clearSsoCookie, currentSession } from '../../../shared/http/sso-cookie.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';

type Request = HttpRequest<OidcDeps>;

interface LogoutRequest {
  readonly hint?: IdTokenHint;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
}

const verifiedHint = async (req: Request, tenant: Tenant, token: string | null) =>
  token ? verifyIdTokenHint(req.deps.keys, tenant.id, issuerOf(req.deps.publicUrl, tenant), token) : undefined;

/** The request's checks: a valid hint or a known client, and a post-logout URI registered for it exactly. */
async function parseLogoutRequest(req: Request, tenant: Tenant, params: URLSearchParams): Promise<LogoutRequest> {
  for (const name of new Set(params.keys())) if (params.getAll(name).length > 1) throw badRequest(`The parameter ${name} was sent more than once.`);
  const hint = await verifiedHint(req, tenant, params.get('id_token_hint'));
  if (params.has('id_token_hint') && !hint) throw badRequest('The id_token_hint was not issued here.');
  const clientId = hint?.clientId ?? params.get('client_id') ?? undefined;
  if (hint && params.has('client_id') && params.get('client_id') !== hint.clientId) throw badRequest('client_id does not match the id_token_hint.');
  const uri = params.get('post_logout_redirect_uri') ?? undefined;
  if (uri !== undefined) {
    const client = clientId ? await req.deps.clients.get(tenant.id, clientId) : undefined;
    if (!client || !client.postLogoutRedirectUris.includes(uri)) throw badRequest('The post-logout redirect URI is not registered for this application.');
  }
  const state = params.get('state') ?? undefined;
  return { ...(hint ? { hint } : {}), ...(uri ? { postLogoutRedirectUri: uri } : {}), ...(state !== undefined && state.length <= 2048 ? { state } : {}) };
}

async function finish(req: Request, tenant: Tenant, request: LogoutRequest): Promise<HttpResponse> {
  const now = Date.now();
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  const cookies = [clearSsoCookie(tenant, req.deps.publicUrl)];
  const returnTo = request.postLogoutRedirectUri ? new URL(request.postLogoutRedirectUri) : undefined;
  if (returnTo && request.state !== undefined) returnTo.searchParams.set('state', request.state);
  if (session && (!request.hint || request.hint.sub === session.userId)) {
    const ended = await endSessionFrom(req, tenant, session, 'rp_initiated_logout');
    // SAML participants are signed out through the browser first; the way back is the same.
    const samlLogout = await startSamlLogout(req.deps, tenant, ended, { kind: 'idp', ...(returnTo ? { returnTo: returnTo.href } : {}) }, now);
    // A session begun at an upstream provider signs out there too, before going on.
    const upstream = await upstreamLogoutHandoff(req.deps, tenant, session, samlLogout ?? returnTo?.href ?? signedOutPath(tenant));
    if (upstream) return { ...seeOther(upstream), cookies };
    if (samlLogout) return { ...seeOther(samlLogout), cookies };
  }
  if (returnTo) return { ...seeOther(returnTo.href), cookies };
  const body = page({ title: 'Signed out', nonce: req.state.nonce, accent: settingsOf(tenant).branding.primaryColor, body: html`<h1>You are signed out</h1><p><a href="/t/${tenant.slug}/login">Sign in again</a></p>` });
  return { ...htmlResponse(200, body), cookies };
}

/**
 * GET /t/{tenant}/oauth2/logout (OIDC RP-Initiated Logout 1.0): with a valid id_token_hint the
 * session ends at once; without one the user confirms first (a cross-site link alone must not
 * sign anyone out). Every client that joined the session hears of it by back-channel logout.
 */
export async function logoutEndpoint(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const request = await parseLogoutRequest(req, tenant, req.query);
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), Date.now());
  if (request.hint || !session) return finish(req, tenant, request);
  const { token, cookie } = issueCsrf(req, `logout:${tenant.id}`, await tenantCsrfOptions(req.deps, tenant));
  const body = page({
    title: 'Sign out?',
    nonce: req.state.nonce,
    accent: settingsOf(tenant).branding.primaryColor,
    body: html`<h1>Sign out?</h1>
<p>An application asked to sign you out of ${settingsOf(tenant).branding.displayName}.</p>
<form method="post" action="/t/${tenant.slug}/oauth2/logout">
<input type="hidden" name="csrf" value="${token}">
${request.postLogoutRedirectUri ? html`<input type="hidden" name="post_logout_redirect_uri" value="${request.postLogoutRedirectUri}">` : ''}
${req.query.get('client_id') ? html`<input type="hidden" name="client_id" value="${req.query.get('client_id')}">` : ''}
${request.state !== undefined ? html`<input type="hidden" name="state" value="${request.state}">` : ''}
<button type="submit">Sign out</button>
</form>`,
  });
  return { ...htmlResponse(200, body, formsMayReach(req.state.nonce, request.postLogoutRedirectUri)), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/oauth2/logout: the confirmation (CSRF-protected), or a form-encoded logout request. */
export async function confirmLogout(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const form = formOf(req);
  if (!form.has('id_token_hint')) verifyCsrf(req, `logout:${tenant.id}`, form.get('csrf'), await req.deps.platformSecrets.get('csrf'));
  const params = new URLSearchParams([...form].filter(([name]) => name !== 'csrf'));
  return finish(req, tenant, await parseLogoutRequest(req, tenant, params));
}
