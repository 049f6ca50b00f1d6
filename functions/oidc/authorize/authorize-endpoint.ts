import { randomBytes } from 'node:crypto';
import { sidOf } from '../../../shared/domain/auth/end-session.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import type { AuthorizationRequest } from '../../../shared/domain/oauth/authorization.ts';
import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { claimsAskedFor, consentItemsOf } from '../../../shared/domain/oauth/claims-request.ts';
import { consentCovers } from '../../../shared/domain/ports/consent-store.ts';
import { consentState, recordConsent, type ConsentApplication, type ConsentState } from '../../../shared/domain/consent/application-consent.ts';
import { releasedClaimNames } from '../../../shared/domain/oauth/user-claims.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { generateSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle, type RateRule } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { RedirectableError } from './authorization-error.ts';
import { forSession } from '../../../shared/domain/flows/sign-in-context.ts';
import { authorizationResponse } from './authorization-response.ts';
import { parseAuthorizationRequest } from './parse-authorization-request.ts';
import { requestUriPrefix } from '../par/par-endpoint.ts';

type Request = HttpRequest<OidcDeps>;

const transactionLifetimeMs = 10 * 60_000;
export const authorizationsPerClientAndUser: RateRule = { hits: 60, windowSeconds: 60 };
const codeLifetimeMs = 60_000;

function needsLogin(request: AuthorizationRequest, session: SsoSession | undefined, now: number): boolean {
  if (!session || request.prompt.includes('login')) return true;
  if (request.hintSubject !== undefined && request.hintSubject !== session.userId) return true;
  return request.maxAge !== undefined && now - session.authTime > request.maxAge * 1000;
}

/**
 * The application's flow may ask more of a live session than it did (MFA for this application,
 * an acr_values request): such a session goes through the login for a step-up. A rule that
 * denies the user is the client's access_denied.
 */
async function needsStepUp(req: Request, tenant: Tenant, request: AuthorizationRequest, session: SsoSession, now: number): Promise<boolean> {
  const user = await req.deps.users.getUser(tenant.id, session.userId);
  if (!user) return true;
  const verdict = await forSession(req.deps, tenant.id, user, session, { application: request.clientId, clientIp: req.state.clientIp, newDevice: false, acrValues: request.acrValues ?? [], now });
  if (verdict.denied) throw new RedirectableError('access_denied', verdict.denied, request);
  return verdict.left.length > 0;
}

/** OIDC Core §3.1.2.1: when the user signed in is not the one id_token_hint names, the answer is an error. */
function checkHintedUser(request: AuthorizationRequest, session: SsoSession): void {
  if (request.hintSubject !== undefined && request.hintSubject !== session.userId) {
    throw new RedirectableError('login_required', 'The signed-in user is not the one id_token_hint names', request);
  }
}

export async function issueCode(req: Request, tenant: Tenant, client: OAuthClient, request: AuthorizationRequest, session: SsoSession, now: number): Promise<HttpResponse> {
  const code = generateSecret();
  // The client joins the SSO session, so logging out of the session reaches it (back-channel logout).
  await req.deps.participants.join({
    tenant: tenant.id,
    sid: sidOf(session),
    clientId: client.clientId,
    userId: session.userId,
    ...(client.backchannelLogoutUri ? { backchannelLogoutUri: client.backchannelLogoutUri } : {}),
    expiresAt: session.absoluteExpiresAt,
  });
  await req.deps.grants.saveCode(hashToken(code), {
    tenant: tenant.id,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.codeChallenge !== undefined ? { codeChallenge: request.codeChallenge } : {}),
    userId: session.userId,
    authTime: session.authTime,
    amr: session.amr,
    sid: sidOf(session),
    ...(request.claims ? { claims: request.claims } : {}),
    expiresAt: now + codeLifetimeMs,
  });
  return authorizationResponse(request, issuerOf(req.deps.publicUrl, tenant), { code }, req.state.nonce);
}

export function redirectError(req: Request, tenant: Tenant, error: RedirectableError): HttpResponse {
  return authorizationResponse(error.target, issuerOf(req.deps.publicUrl, tenant), { error: error.error, error_description: error.message }, req.state.nonce);
}

/**
 * GET|POST /t/{tenant}/oauth2/authorize: validate, then either answer with a code at once
 * (a live SSO session that satisfies prompt and max_age) or open a transaction and send the
 * browser to the hosted login, which returns to /authorize/resume.
 */
/**
 * The last step before a code: third-party clients need the user's consent to every scope
 * asked for (prompt=consent asks again); first-party clients skip the prompt, and their
 * consent is recorded all the same.
 */
export async function completeAuthorization(req: Request, tenant: Tenant, client: OAuthClient, request: AuthorizationRequest, session: SsoSession, now: number, transactionId?: string): Promise<HttpResponse> {
  const state = await consentState(req.deps, tenant.id, session.userId, applicationOf(client));
  const covered = consentCovers(state.previous, consentItemsOf(request)) && state.toAsk.length === 0;
  if (state.skipPrompt || (covered && !request.prompt.includes('consent'))) {
    if (!covered) await recordOidcConsent(req, tenant, session, client, request, state, { method: 'first_party', ticked: new Set(), now });
    if (transactionId) await req.deps.grants.closeTransaction(tenant.id, transactionId);
    return issueCode(req, tenant, client, request, session, now);
  }
  if (request.prompt.includes('none')) throw new RedirectableError('consent_required', 'The user has not consented to this request', request);
  let id = transactionId;
  if (!id) {
    id = randomBytes(24).toString('base64url');
    await req.deps.grants.openTransaction(tenant.id, id, request, { returnTo: `/t/${tenant.slug}/oauth2/authorize/resume?tx=${id}`, expiresAt: now + transactionLifetimeMs, forceLogin: false, now });
  }
  return seeOther(`/t/${tenant.slug}/oauth2/consent?tx=${id}`);
}

export const applicationOf = (client: OAuthClient): ConsentApplication => ({ id: client.clientId, name: client.name, firstParty: client.firstParty });

/** Records the user's consent to this client's request (scopes, named claims and purposes), with its receipt. */
export async function recordOidcConsent(req: Request, tenant: Tenant, session: SsoSession, client: OAuthClient, request: AuthorizationRequest, state: ConsentState, answer: { method: 'prompt' | 'first_party'; ticked: ReadonlySet<string>; now: number }) {
  const user = await req.deps.users.getUser(tenant.id, session.userId);
  return recordConsent(req.deps, state, {
    tenant: tenant.id,
    issuer: issuerOf(req.deps.publicUrl, tenant),
    settings: settingsOf(tenant),
    userId: session.userId,
    language: user?.locale ?? 'en',
    application: applicationOf(client),
    items: consentItemsOf(request),
    releasedClaims: releasedClaimNames(request.scopes, claimsAskedFor(request.claims)),
    ticked: answer.ticked,
    everything: answer.method === 'first_party',
    method: answer.method,
    at: new Date(answer.now),
    event: (details) => consentEvent(req, tenant, session, client, request, answer.method, 'consent.given', details),
  });
}

export const consentEvent = (req: Request, tenant: Tenant, session: SsoSession, client: OAuthClient, request: AuthorizationRequest, how: string, type: 'consent.given' | 'consent.denied' = 'consent.given', extra: Record<string, unknown> = {}) =>
  createAuditEvent({
    tenant: tenant.id, type, actor: { kind: 'user', id: session.userId }, subject: session.userId,
    clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: type === 'consent.given' ? 'success' : 'denied',
    details: { clientId: client.clientId, scopes: consentItemsOf(request), how, ...extra },
  });

/** RFC 9126 §4: a request_uri stands for the pushed request, once, and only with its own client_id. */
async function pushedParams(req: Request, tenant: Tenant, params: URLSearchParams): Promise<URLSearchParams | undefined> {
  const uri = params.get('request_uri');
  if (uri === null) return undefined;
  const id = uri.startsWith(requestUriPrefix) ? uri.slice(requestUriPrefix.length) : '';
  const clientId = params.get('client_id');
  const pushed = /^[A-Za-z0-9_-]{43}$/.test(id) && clientId && params.getAll('request_uri').length === 1 ? await req.deps.grants.takePushedRequest(tenant.id, id, clientId, Date.now()) : undefined;
  if (!pushed) throw badRequest('The request_uri is unknown, expired, already used or not this client’s.', 'invalid_request_uri');
  return new URLSearchParams(pushed);
}

export async function authorizeEndpoint(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const sent = req.method === 'POST' ? formOf(req) : req.query;
  try {
    const pushed = await pushedParams(req, tenant, sent);
    const params = pushed ?? sent;
    const { client, request } = await parseAuthorizationRequest({ id: tenant.id, issuer: issuerOf(req.deps.publicUrl, tenant) }, params, req.deps, pushed !== undefined);
    const now = Date.now();
    const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
    // Per client and user when the user is known, per client and address otherwise.
    const who = session ? `user#${session.userId}` : `ip#${req.state.clientIp}`;
    await throttle(req, `authorize#${tenant.id}#${request.clientId}#${who}`, authorizationsPerClientAndUser, { tenant: tenant.id, endpoint: 'authorize', subject: `client:${request.clientId}` });
    const chooseAccount = request.prompt.includes('select_account');
    const stepUp = session !== undefined && !needsLogin(request, session, now) && (await needsStepUp(req, tenant, request, session, now));
    if (!needsLogin(request, session, now) && !chooseAccount && !stepUp) return await completeAuthorization(req, tenant, client, request, session!, now);
    if (stepUp && request.prompt.includes('none')) throw new RedirectableError('interaction_required', 'This application needs a further sign-in step', request);
    if (request.prompt.includes('none')) throw new RedirectableError('login_required', 'The user is not signed in', request);
    const id = randomBytes(24).toString('base64url');
    await req.deps.grants.openTransaction(tenant.id, id, request, {
      returnTo: `/t/${tenant.slug}/oauth2/authorize/resume?tx=${id}`,
      expiresAt: now + transactionLifetimeMs,
      forceLogin: session !== undefined && needsLogin(request, session, now),
      now,
    });
    return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(req, tenant, error);
    throw error;
  }
}

/** GET /t/{tenant}/oauth2/authorize/resume?tx=…: back from the login, with a session fresh enough for the request. */
export async function resumeAuthorization(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const id = req.query.get('tx') ?? '';
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw badRequest('This sign-in request is malformed.');
  const now = Date.now();
  const transaction = await req.deps.grants.transactionRequest(tenant.id, id, now);
  if (!transaction) throw new HttpError(400, 'expired_request', 'This sign-in request has expired. Go back to the application and start again.');
  const { request } = transaction;
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  const signedInNow = session !== undefined && session.authTime >= transaction.createdAt;
  const freshEnough = session !== undefined && (signedInNow || (!needsLogin(request, session, now) && (transaction.accountChosen || !request.prompt.includes('select_account'))));
  if (!freshEnough) return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
  const client = await req.deps.clients.get(tenant.id, request.clientId);
  if (!client) throw badRequest('The application is no longer registered.');
  try {
    if (await needsStepUp(req, tenant, request, session, now)) return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
    checkHintedUser(request, session);
    return await completeAuthorization(req, tenant, client, request, session, now, id);
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(req, tenant, error);
    throw error;
  }
}
