import { createHash, randomBytes } from 'node:crypto';
import type { Configuration } from 'openid-client';
import { discoveredProvider, openIdClient } from '../../../shared/adapters/outbound/openid-provider.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { mfaAcr } from '../../../shared/domain/flows/flow-plan.ts';
import { administratorPermission, administratorsGroupName } from '../../../shared/domain/groups/group.ts';
import { clientDefaults, consoleClientId, type OAuthClient } from '../../../shared/domain/oauth/client.ts';
import type { ConsoleSession } from '../../../shared/domain/ports/console-sessions.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { clearCookie, isSecureOrigin, readCookie, setCookie } from '../../../shared/http/cookies.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { errorPage } from '../../../shared/http/views/error-page.ts';
import type { AdminDeps } from '../deps.ts';

/**
 * The console is an OpenID Connect client of its own tenant (issue: console): it signs
 * administrators in through the tenant's hosted login with the authorization code flow and PKCE
 * (a public client: no secret to keep), asks for multi-factor authentication, and admits only
 * members of the administrators group whose ID token says a second factor was used. Its own
 * session is server-side with a 15-minute idle timeout; its cookie lives under /console only.
 */

type Request = HttpRequest<AdminDeps>;

const idleMs = 15 * 60_000;
const absoluteMs = 8 * 3600_000;
const sessionCookie = 'console_session';
const stateCookie = 'console_state';

export const consolePath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/console`;
const callbackUrl = (req: Request, tenant: Tenant) => `${req.deps.publicUrl}${consolePath(tenant)}/callback`;
const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');
const cookieOptions = (req: Request, tenant: Tenant) => ({ path: consolePath(tenant), secure: isSecureOrigin(req.deps.publicUrl), sameSite: 'Lax' as const });

/** The tenant's console client, registered at its first use (first party, public, PKCE, this callback only). */
async function consoleClient(req: Request, tenant: Tenant): Promise<OAuthClient> {
  const existing = await req.deps.clients.get(tenant.id, consoleClientId);
  if (existing) return existing;
  const client: OAuthClient = {
    tenant: tenant.id, clientId: consoleClientId, name: 'Admin console', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'],
    redirectUris: [callbackUrl(req, tenant)], postLogoutRedirectUris: [], scopes: ['openid', 'profile', 'email'], requirePushedAuthorizationRequests: false, firstParty: true,
    ...clientDefaults, accessTokenLifetimeSeconds: 300, createdAt: new Date().toISOString(),
  };
  await req.deps.clients.create(client, [createAuditEvent({ tenant: tenant.id, type: 'client.created', actor: { kind: 'system' }, subject: `client:${consoleClientId}`, clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'success', details: { after: { clientId: consoleClientId, name: client.name } } })]).catch(async (error: unknown) => {
    // Two first visits at once: the other one registered it.
    if (!(await req.deps.clients.get(tenant.id, consoleClientId))) throw error;
  });
  return client;
}

/** The tenant as the console's OpenID Provider, discovered over HTTP as any relying party would. */
const providerOf = (req: Request, tenant: Tenant): Promise<Configuration> =>
  discoveredProvider(`console\n${tenant.id}`, issuerOf(req.deps.publicUrl, tenant), consoleClientId, async (oidc) => oidc.None());

const consoleEvent = (req: Request, tenant: Tenant, userId: string | undefined, outcome: 'success' | 'denied', details: Record<string, unknown>) =>
  createAuditEvent({ tenant: tenant.id, type: 'console.signin', actor: userId ? { kind: 'user', id: userId } : { kind: 'anonymous' }, ...(userId ? { subject: userId } : {}), clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome, details });

/** GET /t/{tenant}/console/login: off to the tenant's login, asking for a second factor. */
export async function startConsoleSignIn(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  await consoleClient(req, tenant);
  const oidc = await openIdClient();
  const config = await providerOf(req, tenant);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await req.deps.ceremonies.start({ id: hashOf(state), tenant: tenant.id, purpose: 'console-sign-in', consoleSignIn: { nonce, codeVerifier }, expiresAt: Date.now() + 10 * 60_000 });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(req, tenant), scope: 'openid profile email', state, nonce, acr_values: mfaAcr,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  });
  return { ...seeOther(url.href), cookies: [setCookie(stateCookie, state, { ...cookieOptions(req, tenant), maxAgeSeconds: 600 })] };
}

const refused = (req: Request, status: number, title: string, message: string): HttpResponse =>
  htmlResponse(status, errorPage({ status, title, message, nonce: req.state.nonce, correlationId: req.state.correlationId }));

export const isAdministrator = async (req: Request, tenant: Tenant, user: User) =>
  (await req.deps.groups.groupsOf(tenant.id, user.id)).some((g) => g.name === administratorsGroupName || g.permissions.includes(administratorPermission));

/**
 * GET /t/{tenant}/console/callback: the code exchanged (PKCE, state from this browser's cookie,
 * nonce, ID token verified); then only an active administrator signed in with a second factor
 * gets a console session.
 */
export async function consoleCallback(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const state = req.query.get('state') ?? '';
  const cookieState = readCookie(req, stateCookie);
  const ceremony = cookieState && cookieState === state ? await req.deps.ceremonies.take(tenant.id, hashOf(state), 'console-sign-in', Date.now()) : undefined;
  const clearState = clearCookie(stateCookie, cookieOptions(req, tenant));
  if (!ceremony?.consoleSignIn) return { ...seeOther(`${consolePath(tenant)}/login`), cookies: [clearState] };
  let claims: { sub: string; acr?: unknown; sid?: unknown };
  try {
    const oidc = await openIdClient();
    const current = new URL(`${callbackUrl(req, tenant)}?${req.query.toString()}`);
    const tokens = await oidc.authorizationCodeGrant(await providerOf(req, tenant), current, { pkceCodeVerifier: ceremony.consoleSignIn.codeVerifier, expectedNonce: ceremony.consoleSignIn.nonce, expectedState: state, idTokenExpected: true });
    claims = tokens.claims()!;
  } catch {
    await req.deps.auditLog.record(consoleEvent(req, tenant, undefined, 'denied', { reason: 'sign_in_failed' }));
    return { ...refused(req, 401, 'Sign-in failed', 'The sign-in to the console did not complete. Try again.'), cookies: [clearState] };
  }
  const user = await req.deps.users.getUser(tenant.id, claims.sub);
  if (!user || user.status !== 'active' || !(await isAdministrator(req, tenant, user))) {
    await req.deps.auditLog.record(consoleEvent(req, tenant, user?.id, 'denied', { reason: 'not_an_administrator' }));
    return { ...refused(req, 403, 'Administrators only', 'The console is for this organisation’s administrators.'), cookies: [clearState] };
  }
  if (claims.acr !== mfaAcr) {
    await req.deps.auditLog.record(consoleEvent(req, tenant, user.id, 'denied', { reason: 'second_factor_required' }));
    return { ...refused(req, 403, 'Two-step verification needed', 'Administrators sign in to the console with a second factor. Set up an authenticator app in your account, then sign in again.'), cookies: [clearState] };
  }
  const id = randomBytes(32).toString('base64url');
  const now = Date.now();
  await req.deps.consoleSessions.create({ idHash: hashOf(id), tenant: tenant.id, userId: user.id, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}), createdAt: now, idleExpiresAt: now + idleMs, absoluteExpiresAt: now + absoluteMs });
  await req.deps.auditLog.record(consoleEvent(req, tenant, user.id, 'success', {}));
  return { ...seeOther(consolePath(tenant)), cookies: [clearState, setCookie(sessionCookie, id, { ...cookieOptions(req, tenant), sameSite: 'Strict', maxAgeSeconds: absoluteMs / 1000 })] };
}

export interface ConsoleCaller {
  readonly tenant: Tenant;
  readonly session: ConsoleSession;
  readonly user: User;
}

/** The console's administrator, or where to send the browser to sign in (no session, idle too long, no longer an administrator). */
export async function consoleCaller(req: Request): Promise<ConsoleCaller | HttpResponse> {
  const tenant = tenantOf(req);
  const id = readCookie(req, sessionCookie);
  const now = Date.now();
  const session = id && /^[A-Za-z0-9_-]{43}$/.test(id) ? await req.deps.consoleSessions.find(tenant.id, hashOf(id), now) : undefined;
  const user = session ? await req.deps.users.getUser(tenant.id, session.userId) : undefined;
  if (!session || !user || user.status !== 'active' || !(await isAdministrator(req, tenant, user))) return seeOther(`${consolePath(tenant)}/login`);
  if (session.idleExpiresAt - now < idleMs - 60_000) await req.deps.consoleSessions.touch(session, now + idleMs);
  return { tenant, session, user };
}

/** POST /t/{tenant}/console/logout: the console session ends, then the SSO session (the tenant's logout). */
export async function consoleLogout(req: Request, caller: ConsoleCaller): Promise<HttpResponse> {
  await req.deps.consoleSessions.end(caller.tenant.id, caller.session.idHash);
  return { ...seeOther(`/t/${caller.tenant.slug}/login/logout`), cookies: [clearCookie(sessionCookie, cookieOptions(req, caller.tenant))] };
}
