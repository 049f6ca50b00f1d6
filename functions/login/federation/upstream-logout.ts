import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { fetchedKeySet, openIdClient } from '../../../shared/adapters/outbound/openid-provider.ts';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { IdentityProvider, OidcIdentityProvider, SamlIdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import { sessionsNamedBy } from '../../../shared/domain/federation/upstream-sessions.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, json, seeOther } from '../../../shared/http/responses.ts';
import { endSessionWithoutBrowserFrom } from '../../../shared/http/session-ending.ts';
import { clearSsoCookie } from '../../../shared/http/sso-cookie.ts';
import { errorPage } from '../../../shared/http/views/error-page.ts';
import { translator } from '../../../shared/http/i18n.ts';
import { loginEvent, loginPath, pageLocale } from '../login/login-common.ts';
import { signedOutPage } from '../views/login-pages.ts';
import { brokerEndpoints, loggedOutPath, upstreamSaml } from './broker-endpoints.ts';
import { upstreamConfiguration } from './upstream-client.ts';

/**
 * Logout across the broker (issue: identity broker), both ways. From the upstream: an OpenID
 * Provider's back-channel logout token, or a SAML IdP's LogoutRequest, ends the sessions here that
 * began with the upstream session it names (and tells their applications, as any ending does). To
 * the upstream: signing out here goes on to the provider's RP-initiated logout or SAML SLO, then
 * comes back to finish (the SAML front-channel legs here, or the signed-out page).
 */

type Request = HttpRequest<PlatformPorts>;

const ceremonyLifetimeMs = 10 * 60_000;
const backchannelEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** Ends the named sessions that really are this provider's, for this subject; answers how many. */
async function endUpstreamSessions(request: Request, tenant: Tenant, idp: IdentityProvider, hashes: readonly string[], subject: string | undefined): Promise<number> {
  let ended = 0;
  for (const hash of hashes) {
    const session = await request.deps.sessions.find(tenant.id, hash);
    if (!session || session.upstream?.idpId !== idp.id || (subject !== undefined && session.upstream.subject !== subject)) continue;
    await endSessionWithoutBrowserFrom(request, tenant, session, 'upstream_logout');
    ended++;
  }
  return ended;
}

/**
 * POST /t/{tenant}/login/federated/{idpId}/backchannel-logout (OpenID Connect Back-Channel Logout
 * 1.0): a logout token signed by the provider (its JWKS), for this client, with the logout event,
 * `sid` or `sub`, no nonce, fresh, and its `jti` used once.
 */
export async function upstreamBackchannelLogout(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const idpId = request.pathParameters.idpId ?? '';
  await throttle(request, `bcl#${tenant.id}#${request.state.clientIp}`, { hits: 60, windowSeconds: 60 }, { tenant: tenant.id, endpoint: 'backchannel_logout' });
  const refuse = async (reason: string) => {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.failure', undefined, 'failure', { idpId: idpId.slice(0, 64), reason: `logout_token_refused: ${reason}`.slice(0, 200) }));
    return json(400, { error: 'invalid_request', error_description: 'The logout token was not accepted.' }, { 'cache-control': 'no-store' });
  };
  const idp = /^[A-Za-z0-9_-]{1,64}$/.test(idpId) ? await request.deps.identityProviders.get(tenant.id, idpId) : undefined;
  if (!idp || idp.kind !== 'oidc' || !idp.enabled) return refuse('unknown provider');
  const tokens = formOf(request).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0]!.length > 8192) return refuse('logout_token is missing, repeated or too long');
  let claims: { sub?: string; sid?: string; jti: string; until: number };
  try {
    claims = await verifyLogoutToken(request, idp, tokens[0]!);
  } catch (error) {
    return refuse(error instanceof Error ? error.message.slice(0, 150) : 'invalid');
  }
  if (!(await request.deps.grants.useAssertionId(tenant.id, `bcl:${idp.id}`, claims.jti, claims.until))) return refuse('the logout token was already used (replay)');
  const hashes = await sessionsNamedBy(request.deps.participants, tenant.id, idp.id, { ...(claims.sid ? { sid: claims.sid } : {}), ...(claims.sub ? { subject: claims.sub } : {}) });
  const ended = await endUpstreamSessions(request, tenant, idp, hashes, claims.sub);
  await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.logout', undefined, 'success', { idpId: idp.id, direction: 'from_upstream', protocol: 'oidc_backchannel', sessions: ended }));
  return json(200, {}, { 'cache-control': 'no-store' });
}

async function verifyLogoutToken(request: Request, idp: OidcIdentityProvider, token: string): Promise<{ sub?: string; sid?: string; jti: string; until: number }> {
  const metadata = (await upstreamConfiguration(request.deps, idp)).serverMetadata();
  if (!metadata.jwks_uri) throw new Error('the provider publishes no JWKS');
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await fetchedKeySet(metadata.jwks_uri)), {
    issuer: metadata.issuer, audience: idp.clientId, algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'], requiredClaims: ['iat', 'jti', 'events'], maxTokenAge: '10 minutes',
  });
  if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() !== 'logout+jwt' && protectedHeader.typ !== 'JWT') throw new Error('not a logout token (typ)');
  const events = payload.events as Record<string, unknown> | undefined;
  if (!events || typeof events !== 'object' || typeof events[backchannelEvent] !== 'object') throw new Error('the logout event is missing');
  if (payload.nonce !== undefined) throw new Error('a logout token has no nonce');
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  if (!sub && !sid) throw new Error('neither sid nor sub');
  return { ...(sub ? { sub } : {}), ...(sid ? { sid } : {}), jti: String(payload.jti), until: ((payload.exp ?? payload.iat! + 600) + 60) * 1000 };
}

/** The tenant's SAML provider with this entityID (a tenant has a handful of providers). */
async function samlProviderByEntityId(request: Request, tenant: Tenant, entityId: string): Promise<SamlIdentityProvider | undefined> {
  let cursor: string | undefined;
  do {
    const page = await request.deps.identityProviders.list(tenant.id, { limit: 100, ...(cursor ? { cursor } : {}) });
    const found = page.items.find((idp): idp is SamlIdentityProvider => idp.kind === 'saml' && idp.entityId === entityId && idp.enabled);
    if (found) return found;
    cursor = page.cursor;
  } while (cursor);
  return undefined;
}

const signedOut = (request: Request, tenant: Tenant) => htmlResponse(200, signedOutPage(request.state.nonce, settingsOf(tenant), loginPath(tenant), pageLocale(request)));

/**
 * GET|POST /t/{tenant}/login/federated/saml/slo: the upstream SAML IdP's LogoutRequest (its user
 * signed out there: the sessions here that began with it end, and it gets a signed LogoutResponse),
 * or its LogoutResponse to a sign-out that started here (the browser goes on to finish it).
 */
export async function upstreamSamlLogout(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, { hits: 60, windowSeconds: 60 }, { tenant: tenant.id, endpoint: 'login' });
  const binding = request.method === 'POST' ? 'post' : 'redirect';
  const params = binding === 'post' ? formOf(request) : request.query;
  const saml = await upstreamSaml();
  let idp: SamlIdentityProvider | undefined;
  try {
    idp = await samlProviderByEntityId(request, tenant, saml.logoutIssuerOf(params, binding).issuer);
    if (!idp) throw new SamlMessageRejected('the issuer is not an identity provider of this tenant');
    const now = Date.now();
    const endpoints = brokerEndpoints(request.deps, tenant);
    const key = await request.deps.keys.samlSigningKey(tenant.id);
    const message = await saml.verifyLogoutMessage(idp, endpoints, key, params, request.event.rawQueryString ?? '', binding, now);
    if (!(await request.deps.grants.useAssertionId(tenant.id, `saml-idp-slo:${idp.id}`, message.id, now + 7 * 60_000))) throw new SamlMessageRejected('the message was already received (replay)');
    if (message.kind === 'LogoutResponse') return finishUpstreamLogout(request, tenant, message.relayState, message.inResponseTo);
    const hashes = await sessionsNamedBy(request.deps.participants, tenant.id, idp.id, { subject: message.nameId, sessionIndexes: message.sessionIndexes });
    const ended = await endUpstreamSessions(request, tenant, idp, hashes, message.nameId);
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.logout', undefined, 'success', { idpId: idp.id, direction: 'from_upstream', protocol: 'saml_slo', sessions: ended }));
    // The browser brought the request: its cookie for this tenant goes too.
    return { ...seeOther(saml.logoutResponseTo(idp, endpoints, key, message.id, message.relayState)), cookies: [clearSsoCookie(tenant, request.deps.publicUrl)] };
  } catch (error) {
    if (!(error instanceof SamlMessageRejected)) throw error;
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.failure', undefined, 'failure', { idpId: idp?.id ?? 'unknown', reason: `saml_logout_refused: ${error.reason}`.slice(0, 200) }));
    const locale = pageLocale(request);
    const t = translator(locale);
    return htmlResponse(400, errorPage({ status: 400, title: t('error.signOutRefused.title'), message: t('error.signOutRefused'), nonce: request.state.nonce, correlationId: request.state.correlationId, locale }));
  }
}

/** GET /t/{tenant}/login/federated/logged-out?state=…: back from an upstream OpenID Provider's logout. */
export async function upstreamLoggedOut(request: Request): Promise<HttpResponse> {
  return finishUpstreamLogout(request, tenantOf(request), request.query.get('state') ?? undefined);
}

/** The end of a sign-out that went through the upstream: on to what was left to do here, else the signed-out page. */
async function finishUpstreamLogout(request: Request, tenant: Tenant, state: string | undefined, inResponseTo?: string): Promise<HttpResponse> {
  const ceremony = state && /^[A-Za-z0-9_-]{43}$/.test(state) ? await request.deps.ceremonies.take(tenant.id, state, 'federated-logout', Date.now()) : undefined;
  const logout = ceremony?.logout;
  // A SAML answer must name the request this sign-out sent.
  if (!logout || (logout.requestId !== undefined && logout.requestId !== inResponseTo)) return signedOut(request, tenant);
  return logout.next ? seeOther(logout.next) : signedOut(request, tenant);
}

/** GET /t/{tenant}/login/federated/sign-out?handoff=…: a session the OIDC or SAML function ended signs out at its upstream, then goes on. */
export async function upstreamLogoutFromHandoff(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const id = request.query.get('handoff') ?? '';
  const ceremony = /^[A-Za-z0-9_-]{43}$/.test(id) ? await request.deps.ceremonies.take(tenant.id, id, 'federated-logout-handoff', Date.now()) : undefined;
  const handoff = ceremony?.handoff;
  if (!handoff) return signedOut(request, tenant);
  const onward = await upstreamLogoutStart(request, tenant, { userId: handoff.userId, upstream: handoff.upstream }, handoff.next);
  return onward ?? seeOther(handoff.next);
}

/**
 * Signing out here, of a session that began at an upstream provider: the browser goes on to the
 * provider's logout (RP-initiated logout with the registered post-logout URI, or a signed SAML
 * LogoutRequest), then comes back to `next`. Undefined when the provider offers no logout (or
 * cannot be reached): the sign-out here is complete without it.
 */
export async function upstreamLogoutStart(request: Request, tenant: Tenant, session: Pick<SsoSession, 'userId' | 'upstream'>, next: string | undefined): Promise<HttpResponse | undefined> {
  const upstream = session.upstream;
  const idp = upstream ? await request.deps.identityProviders.get(tenant.id, upstream.idpId) : undefined;
  if (!upstream || !idp?.enabled) return undefined;
  const state = randomBytes(32).toString('base64url');
  const start = (requestId?: string) => request.deps.ceremonies.start({ id: state, tenant: tenant.id, purpose: 'federated-logout', logout: { idpId: idp.id, ...(requestId ? { requestId } : {}), ...(next ? { next } : {}) }, expiresAt: Date.now() + ceremonyLifetimeMs });
  const record = (protocol: 'oidc_rp_initiated' | 'saml_slo') => request.deps.auditLog.record(loginEvent(request, tenant, 'federation.logout', session.userId, 'success', { idpId: idp.id, direction: 'to_upstream', protocol }));
  if (idp.kind === 'saml') {
    if (!idp.sloUrl) return undefined;
    const { requestId, url } = (await upstreamSaml()).logoutRequestTo(idp, brokerEndpoints(request.deps, tenant), await request.deps.keys.samlSigningKey(tenant.id), upstream, state);
    await start(requestId);
    await record('saml_slo');
    return seeOther(url);
  }
  try {
    const config = await upstreamConfiguration(request.deps, idp);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    const url = (await openIdClient()).buildEndSessionUrl(config, { post_logout_redirect_uri: `${request.deps.publicUrl}${loggedOutPath(tenant)}`, state, logout_hint: upstream.subject });
    await start();
    await record('oidc_rp_initiated');
    return seeOther(url.href);
  } catch {
    return undefined;
  }
}
