import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { federatedOption, type IdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import { federatedAmr, firstStepMayUse } from '../../../shared/domain/flows/flow-plan.ts';
import { flowFor } from '../../../shared/domain/flows/flow-selection.ts';
import { afterFirstStep } from '../../../shared/domain/flows/sign-in-context.ts';
import type { Ceremony } from '../../../shared/domain/ports/ceremonies.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { isKnownDevice } from '../../../shared/http/device-cookie.ts';
import { notFound } from '../../../shared/http/errors.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import { accountReturnPath } from '../account/account-session.ts';
import { loginEvent } from '../login/login-common.ts';
import { attemptLimit, renderLogin, transactionOf } from '../login/login-routes.ts';
import { completeSignIn, continueSignIn, deniedSignIn } from '../login/sign-in-progress.ts';
import { callbackPath, upstreamConfiguration, upstreamLibrary } from './upstream-client.ts';

/**
 * Sign-in through an upstream OpenID Provider (issue: identity broker): the first step of a
 * flow that names `federated:{id}`. The browser goes to the upstream with state, nonce and PKCE
 * kept server-side in a single-use ceremony; back here, the code is exchanged and the ID token
 * checked, the upstream identity is found among the linked ones or provisioned as the provider
 * says, and the flow goes on (e.g. a local second factor) as after a password.
 */

type Request = HttpRequest<PlatformPorts>;

const ceremonyLifetimeMs = 10 * 60_000;

/** The provider, if it is this tenant's, enabled, and a first-step option of the flow the sign-in follows. */
async function allowedProvider(request: Request, tenant: Tenant, idpId: string, application: string | undefined): Promise<IdentityProvider | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(idpId)) return undefined;
  const idp = await request.deps.identityProviders.get(tenant.id, idpId);
  if (!idp?.enabled) return undefined;
  return firstStepMayUse(await flowFor(request.deps.flows, tenant.id, application), federatedOption(idp.id)) ? idp : undefined;
}

/** GET /t/{tenant}/login/federated/{idpId}[?tx=…&return_to=…]: off to the upstream provider. */
export async function startFederatedSignIn(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const transaction = await transactionOf(request, tenant, request.query.get('tx'));
  const idp = await allowedProvider(request, tenant, request.pathParameters.idpId ?? '', transaction?.application);
  if (!idp) throw notFound('This sign-in option is not available here.');
  const config = await upstreamConfiguration(request.deps, idp);
  const { randomNonce, randomPKCECodeVerifier, calculatePKCECodeChallenge, buildAuthorizationUrl } = await upstreamLibrary();
  const state = randomBytes(32).toString('base64url');
  const nonce = randomNonce();
  const codeVerifier = randomPKCECodeVerifier();
  const returnTo = transaction ? undefined : accountReturnPath(tenant, request.query.get('return_to'));
  await request.deps.ceremonies.start({
    id: state, tenant: tenant.id, purpose: 'federated-sign-in',
    federation: { idpId: idp.id, nonce, codeVerifier, ...(transaction ? { transaction: transaction.id } : {}), ...(returnTo ? { returnTo } : {}) },
    expiresAt: Date.now() + ceremonyLifetimeMs,
  });
  const url = buildAuthorizationUrl(config, {
    redirect_uri: `${request.deps.publicUrl}${callbackPath(tenant)}`,
    scope: idp.scopes.join(' '),
    response_type: 'code',
    state,
    nonce,
    code_challenge: await calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(transaction?.loginHint ? { login_hint: transaction.loginHint } : {}),
  });
  return seeOther(url.href);
}

interface UpstreamClaims {
  readonly sub: string;
  readonly email?: string;
  readonly emailVerified: boolean;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly name?: string;
}

const stringClaim = (value: unknown, max = 256) => (typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined);

/** The local user for an upstream identity: the one linked, or one provisioned as the provider says; else why not. */
async function localUser(request: Request, tenant: Tenant, idp: IdentityProvider, claims: UpstreamClaims): Promise<User | string> {
  const linked = await request.deps.linkedIdentities.find(tenant.id, idp.id, claims.sub);
  if (linked) {
    const user = await request.deps.users.getUser(tenant.id, linked.userId);
    return user && user.status === 'active' ? user : 'user_not_active';
  }
  if (idp.provisioning === 'existing_only') return 'not_linked';
  const local = claims.email ? (await request.deps.users.findByLogin(tenant.id, claims.email))?.user : undefined;
  const link = async (user: User, how: 'created' | 'verified_email') => {
    const outcome = await request.deps.linkedIdentities.link({ tenant: tenant.id, idpId: idp.id, subject: claims.sub, userId: user.id, linkedAt: new Date().toISOString(), ...(claims.email ? { email: claims.email } : {}) }, [loginEvent(request, tenant, 'federation.linked', user.id, 'success', { idpId: idp.id, how })]);
    return outcome === 'done' ? user : 'link_race';
  };
  if (local) {
    // Only the upstream's word that it verified the address, and the tenant's choice to trust it, links an existing account.
    const verifiedHere = local.emails.some((e) => e.verified && e.value.toLowerCase() === claims.email!.toLowerCase());
    if (idp.provisioning === 'link_verified_email' && claims.emailVerified && verifiedHere && local.status === 'active') return link(local, 'verified_email');
    return 'email_belongs_to_local_account';
  }
  const now = new Date().toISOString();
  const user: User = {
    id: randomUUID(), tenant: tenant.id,
    userName: claims.email ?? `${idp.id.slice(0, 8)}-${createHash('sha256').update(claims.sub).digest('hex').slice(0, 16)}`,
    emails: claims.email ? [{ value: claims.email, verified: claims.emailVerified, primary: true }] : [],
    name: { ...(claims.givenName ? { givenName: claims.givenName } : {}), ...(claims.familyName ? { familyName: claims.familyName } : {}), ...(claims.name ? { formatted: claims.name } : {}) },
    status: 'active', attributes: {}, createdAt: now, updatedAt: now, version: 1,
  };
  const created = await request.deps.users.createUser(user, {}, [loginEvent(request, tenant, 'user.created', user.id, 'success', { userName: user.userName, via: `federated:${idp.id}` })]);
  if (created === 'taken') return 'email_belongs_to_local_account';
  return link(user, 'created');
}

/** GET /t/{tenant}/login/federated/callback?code&state[&iss]: back from the upstream provider. */
export async function federatedCallback(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const state = request.query.get('state');
  const ceremony: Ceremony | undefined = state && /^[A-Za-z0-9_-]{43}$/.test(state) ? await request.deps.ceremonies.take(tenant.id, state, 'federated-sign-in', Date.now()) : undefined;
  const federation = ceremony?.federation;
  const transaction = federation?.transaction ? await transactionOf(request, tenant, federation.transaction) : undefined;
  const idp = federation ? await request.deps.identityProviders.get(tenant.id, federation.idpId) : undefined;
  const fail = async (reason: string, userId?: string) => {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.failure', userId, 'failure', { idpId: federation?.idpId ?? 'unknown', reason }));
    const message = reason === 'email_belongs_to_local_account' ? `An account with that email already exists here. Sign in with it instead.` : `Signing in with ${idp?.name ?? 'that provider'} did not work. Try again, or sign in another way.`;
    return renderLogin(request, tenant, 401, transaction, { error: message, ...(federation?.returnTo ? { returnTo: federation.returnTo } : {}) });
  };
  if (!federation || !idp?.enabled) return fail('unknown_state');
  if (request.query.has('error')) return fail(`upstream_${(request.query.get('error') ?? '').replace(/[^a-z_]/g, '').slice(0, 40)}`);
  let claims: UpstreamClaims;
  try {
    const config = await upstreamConfiguration(request.deps, idp);
    const current = new URL(`${request.deps.publicUrl}${callbackPath(tenant)}?${request.query.toString()}`);
    const tokens = await (await upstreamLibrary()).authorizationCodeGrant(config, current, { pkceCodeVerifier: federation.codeVerifier, expectedNonce: federation.nonce, expectedState: state!, idTokenExpected: true });
    const idToken = tokens.claims()!;
    claims = { sub: idToken.sub, ...(stringClaim(idToken.email, 254) ? { email: stringClaim(idToken.email, 254)! } : {}), emailVerified: idToken.email_verified === true, ...(stringClaim(idToken.given_name) ? { givenName: stringClaim(idToken.given_name)! } : {}), ...(stringClaim(idToken.family_name) ? { familyName: stringClaim(idToken.family_name)! } : {}), ...(stringClaim(idToken.name) ? { name: stringClaim(idToken.name)! } : {}) };
  } catch (error) {
    // What the upstream or the checks said goes to the audit trail's reason, not to the page.
    return fail(`upstream_response_refused: ${error instanceof Error ? error.message.slice(0, 150) : 'unknown'}`);
  }
  const user = await localUser(request, tenant, idp, claims);
  if (typeof user === 'string') return fail(user);
  const amr = [federatedAmr];
  const verdict = await afterFirstStep(request.deps, tenant.id, user, {
    ...(transaction?.application ? { application: transaction.application } : {}),
    acrValues: transaction?.acrValues ?? [],
    clientIp: request.state.clientIp,
    newDevice: !isKnownDevice(request, await request.deps.platformSecrets.get('device'), tenant.id, user.id),
    now: Date.now(),
  }, amr);
  if (verdict.denied) return deniedSignIn(request, tenant, user, verdict.denied);
  if (!verdict.first?.options.includes(federatedOption(idp.id))) return fail('provider_not_allowed_for_user', user.id);
  const session = federation.returnTo ? await currentSession(request, tenant, request.deps.sessions, settingsOf(tenant), Date.now()) : undefined;
  const progress = { ...(transaction ? { transaction: transaction.id } : {}), ...(federation.returnTo ? { returnTo: federation.returnTo } : {}), ...(session ? { replacing: session.idHash } : {}) };
  const succeeded = loginEvent(request, tenant, 'signin.success', user.id, 'success', { method: 'federated', idpId: idp.id });
  if (!verdict.left.length) return completeSignIn(request, tenant, user, amr, [succeeded], progress);
  await request.deps.auditLog.record(succeeded);
  return continueSignIn(request, tenant, user, verdict, { amr, ...progress });
}
