import { randomBytes } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { federatedOption, type IdentityProvider, type OidcIdentityProvider, type SamlIdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import { releasedClaimNames } from '../../../shared/domain/oauth/user-claims.ts';
import { federatedAmr, firstStepMayUse } from '../../../shared/domain/flows/flow-plan.ts';
import { flowFor } from '../../../shared/domain/flows/flow-selection.ts';
import { afterFirstStep } from '../../../shared/domain/flows/sign-in-context.ts';
import type { Ceremony } from '../../../shared/domain/ports/ceremonies.ts';
import { SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { autoPostResponse } from '../../../shared/http/auto-post.ts';
import { formOf } from '../../../shared/http/forms.ts';
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
import { brokerEndpoints, upstreamSaml } from './broker-endpoints.ts';
import { bindToBrowser, isSameBrowser } from './browser-binding.ts';
import { joinGroupsByRules, localUserFor, type LinkAfterSignIn, type UpstreamIdentity } from './federated-user.ts';
import { openIdClient } from '../../../shared/adapters/outbound/openid-provider.ts';
import { callbackPath, upstreamConfiguration } from './upstream-client.ts';
import type { Wording } from '../../../shared/http/i18n.ts';

/**
 * Sign-in through an upstream identity provider (issue: identity broker): the first step of a
 * flow that names `federated:{id}`. The browser goes to the upstream (an OpenID Provider, with
 * state, nonce and PKCE; or a SAML IdP, with a signed AuthnRequest) while what the answer must
 * match is kept server-side in a single-use ceremony bound to this browser; back here, the answer
 * is checked, the upstream identity is found among the linked ones or provisioned as the provider
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

/** GET /t/{tenant}/login/federated/saml/metadata: the broker's SAML SP metadata, to register at upstream identity providers. */
export async function brokerSamlMetadata(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const xml = (await upstreamSaml()).brokerMetadata(brokerEndpoints(request.deps, tenant), await request.deps.keys.samlSigningKey(tenant.id));
  return { statusCode: 200, headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'public, max-age=300' }, body: xml };
}

/** GET /t/{tenant}/login/federated/{idpId}[?tx=…&return_to=…]: off to the upstream provider. */
export async function startFederatedSignIn(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const transaction = await transactionOf(request, tenant, request.query.get('tx'));
  const idp = await allowedProvider(request, tenant, request.pathParameters.idpId ?? '', transaction?.application);
  if (!idp) throw notFound('This sign-in option is not available here.');
  const state = randomBytes(32).toString('base64url');
  const binding = bindToBrowser(request, tenant);
  const returnTo = transaction ? undefined : accountReturnPath(tenant, request.query.get('return_to'));
  const common = { idpId: idp.id, browserBinding: binding.hash, ...(transaction ? { transaction: transaction.id } : {}), ...(returnTo ? { returnTo } : {}) };
  const start = (federation: Federation) => request.deps.ceremonies.start({ id: state, tenant: tenant.id, purpose: 'federated-sign-in', federation, expiresAt: Date.now() + ceremonyLifetimeMs });
  const withCookie = (response: HttpResponse): HttpResponse => ({ ...response, cookies: [...(response.cookies ?? []), binding.cookie] });
  if (idp.kind === 'saml') {
    const key = await request.deps.keys.samlSigningKey(tenant.id);
    const outbound = (await upstreamSaml()).authnRequestTo(idp, brokerEndpoints(request.deps, tenant), key, state, transaction?.forceLogin === true);
    await start({ ...common, requestId: outbound.requestId });
    return withCookie(outbound.binding === 'redirect' ? seeOther(outbound.url) : autoPostResponse(outbound.action, outbound.values, request.state.nonce));
  }
  const config = await upstreamConfiguration(request.deps, idp);
  const { randomNonce, randomPKCECodeVerifier, calculatePKCECodeChallenge, buildAuthorizationUrl } = await openIdClient();
  const loginHint = loginHintOf(transaction, request.query.get('login_hint'));
  const nonce = randomNonce();
  const codeVerifier = randomPKCECodeVerifier();
  await start({ ...common, nonce, codeVerifier });
  const url = buildAuthorizationUrl(config, {
    redirect_uri: `${request.deps.publicUrl}${callbackPath(tenant)}`,
    scope: idp.scopes.join(' '),
    response_type: 'code',
    state,
    nonce,
    code_challenge: await calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(loginHint ? { login_hint: loginHint } : {}),
    ...(transaction?.forceLogin ? { prompt: 'login' } : {}),
    ...(idp.responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
  });
  return withCookie(seeOther(url.href));
}

type Federation = NonNullable<Ceremony['federation']>;

/** Who the upstream should expect: the application's login_hint, or the email the user typed before home realm discovery sent them on. */
const loginHintOf = (transaction: Awaited<ReturnType<typeof transactionOf>>, typed: string | null) => transaction?.loginHint ?? (typed && typed.length <= 256 && /^[^\s@]+@[^\s@]+$/.test(typed) ? typed : undefined);

type Failure = (reason: string, userId?: string) => Promise<HttpResponse>;

/** A federated answer's ceremony (single-use, this tenant's, this browser's) and where the sign-in was going. */
async function answeredCeremony(request: Request, tenant: Tenant, state: string | null | undefined) {
  const ceremony = state && /^[A-Za-z0-9_-]{43}$/.test(state) ? await request.deps.ceremonies.take(tenant.id, state, 'federated-sign-in', Date.now()) : undefined;
  const federation = ceremony?.federation;
  const [transaction, idp] = await Promise.all([
    federation?.transaction ? transactionOf(request, tenant, federation.transaction) : undefined,
    federation ? request.deps.identityProviders.get(tenant.id, federation.idpId) : undefined,
  ]);
  const fail: Failure = async (reason, userId) => {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'federation.failure', userId, 'failure', { idpId: federation?.idpId ?? 'unknown', reason: reason.slice(0, 200) }));
    const message: Wording = reason === 'email_belongs_to_local_account' ? 'signIn.emailTaken' : idp ? { key: 'signIn.federationFailed', params: { provider: idp.name } } : 'signIn.federationFailedUnknown';
    return renderLogin(request, tenant, 401, transaction, { error: message, ...(federation?.returnTo ? { returnTo: federation.returnTo } : {}) });
  };
  const refusal = !federation || !idp?.enabled ? 'unknown_state' : !isSameBrowser(request, federation.browserBinding) ? 'another_browser' : undefined;
  return { federation: federation!, transaction, idp: idp!, fail, refusal };
}

/** GET /t/{tenant}/login/federated/callback?code&state[&iss], or POST (response_mode=form_post): back from an upstream OpenID Provider. */
export async function federatedCallback(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const params = request.method === 'POST' ? formOf(request) : request.query;
  const state = params.get('state');
  const { federation, transaction, idp, fail, refusal } = await answeredCeremony(request, tenant, state);
  if (refusal) return fail(refusal);
  if (idp.kind !== 'oidc' || !federation.nonce || !federation.codeVerifier) return fail('unknown_state');
  // The answer must come back the way the provider was asked to send it.
  if ((request.method === 'POST') !== (idp.responseMode === 'form_post')) return fail('unexpected_response_mode');
  if (params.has('error')) return fail(`upstream_${(params.get('error') ?? '').replace(/[^a-z_]/g, '').slice(0, 40)}`);
  let identity: UpstreamIdentity;
  try {
    identity = await oidcIdentity(request, tenant, idp, federation, state!, params);
  } catch (error) {
    // What the upstream or the checks said goes to the audit trail's reason, not to the page.
    return fail(`upstream_response_refused: ${refusalOf(error)}`);
  }
  return finishFederatedSignIn(request, tenant, idp, identity, federation, transaction, fail);
}

/** openid-client's refusal, with the check that failed (the library's own message and the claim it compared) for the audit trail. */
function refusalOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  // openid-client wraps oauth4webapi's error, whose message and `cause.claim` say which check failed.
  const inner = error.cause instanceof Error ? error.cause : undefined;
  const claim = (inner?.cause as { claim?: unknown } | undefined)?.claim ?? (error.cause as { claim?: unknown } | undefined)?.claim;
  const detail = [inner?.message, typeof claim === 'string' ? `claim ${claim}` : undefined].filter(Boolean).join('; ');
  return `${error.message.slice(0, 80)}${detail ? ` (${detail.slice(0, 110)})` : ''}`;
}

/** The requested scopes none of whose standard claims the ID token carries. */
const scopesWithoutClaims = (scopes: readonly string[], idToken: Record<string, unknown>) => scopes.filter((scope) => scope !== 'openid' && releasedClaimNames([scope]).length > 0 && !releasedClaimNames([scope]).some((claim) => idToken[claim] !== undefined));

/** The code exchanged (PKCE, nonce, state, `iss` checked by openid-client), and the UserInfo claims under the ID token's. */
async function oidcIdentity(request: Request, tenant: Tenant, idp: OidcIdentityProvider, federation: Federation, state: string, params: URLSearchParams): Promise<UpstreamIdentity> {
  const oidc = await openIdClient();
  const config = await upstreamConfiguration(request.deps, idp);
  const callbackUrl = `${request.deps.publicUrl}${callbackPath(tenant)}`;
  const current = request.method === 'POST'
    ? new Request(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString() })
    : new URL(`${callbackUrl}?${params.toString()}`);
  const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: federation.codeVerifier!, expectedNonce: federation.nonce!, expectedState: state, idTokenExpected: true });
  const idToken = tokens.claims()!;
  // UserInfo only when the ID token left out a scope's claims altogether (providers that keep ID tokens minimal); openid-client checks its `sub` is the ID token's.
  const userInfo = config.serverMetadata().userinfo_endpoint && scopesWithoutClaims(idp.scopes, idToken).length ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub) : {};
  return { subject: idToken.sub, claims: { ...userInfo, ...idToken }, ...(typeof idToken.sid === 'string' && idToken.sid.length <= 256 ? { session: { sid: idToken.sid } } : {}) };
}

/** POST /t/{tenant}/login/federated/saml/acs (SAMLResponse, RelayState): back from an upstream SAML identity provider. */
export async function samlAssertionConsumer(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const form = formOf(request);
  const encoded = form.getAll('SAMLResponse');
  const { federation, transaction, idp, fail, refusal } = await answeredCeremony(request, tenant, form.getAll('RelayState').length === 1 ? form.get('RelayState') : undefined);
  if (refusal) return fail(refusal);
  if (idp.kind !== 'saml' || !federation.requestId) return fail('unknown_state');
  if (encoded.length !== 1) return fail('saml_response_refused: SAMLResponse is missing or sent more than once');
  let identity: UpstreamIdentity;
  try {
    identity = await samlIdentity(request, tenant, idp, federation, encoded[0]!);
  } catch (error) {
    if (error instanceof SamlMessageRejected) return fail(`saml_response_refused: ${error.reason}`);
    throw error;
  }
  return finishFederatedSignIn(request, tenant, idp, identity, federation, transaction, fail);
}

/** The Response checked (see verifyResponse) and its assertion's ID spent: a replayed assertion is refused. */
async function samlIdentity(request: Request, tenant: Tenant, idp: SamlIdentityProvider, federation: Federation, encoded: string): Promise<UpstreamIdentity> {
  const saml = await upstreamSaml();
  const key = await request.deps.keys.samlSigningKey(tenant.id);
  const { assertion, rememberUntil } = await saml.verifyResponse(idp, brokerEndpoints(request.deps, tenant), key, encoded, federation.requestId!, Date.now());
  if (!(await request.deps.grants.useAssertionId(tenant.id, `saml-idp:${idp.id}`, assertion.id, rememberUntil))) throw new SamlMessageRejected('the assertion was already used (replay)');
  return {
    subject: assertion.nameId, claims: saml.claimsOf(assertion),
    session: { ...(assertion.sessionIndex && assertion.sessionIndex.length <= 256 ? { sessionIndex: assertion.sessionIndex } : {}), ...(assertion.nameIdFormat ? { nameIdFormat: assertion.nameIdFormat } : {}) },
  };
}

/**
 * Provisioning `link_after_local_sign_in`: the upstream identity's email is a local account's, so
 * its owner signs in to it once (the password proves it is theirs) and the link is made then. The
 * pending link is a single-use ceremony, for that account only, bound to this browser.
 */
async function askToSignInLocally(request: Request, tenant: Tenant, idp: IdentityProvider, identity: UpstreamIdentity, pending: LinkAfterSignIn, federation: Federation, transaction: Awaited<ReturnType<typeof transactionOf>>): Promise<HttpResponse> {
  const id = randomBytes(32).toString('base64url');
  await request.deps.ceremonies.start({
    id, tenant: tenant.id, purpose: 'federated-link', userId: pending.confirmLinkTo.id,
    pendingLink: { idpId: idp.id, subject: identity.subject, email: pending.email, browserBinding: federation.browserBinding },
    expiresAt: Date.now() + ceremonyLifetimeMs,
  });
  return renderLogin(request, tenant, 200, transaction, {
    identifier: pending.email, link: id, notice: { key: 'signIn.linkNotice', params: { email: pending.email, provider: idp.name } },
    ...(federation.returnTo ? { returnTo: federation.returnTo } : {}),
  });
}

/** After the upstream's answer was checked: the local user, then the flow goes on as after a first step. */
async function finishFederatedSignIn(request: Request, tenant: Tenant, idp: IdentityProvider, identity: UpstreamIdentity, federation: Federation, transaction: Awaited<ReturnType<typeof transactionOf>>, fail: Failure): Promise<HttpResponse> {
  const user = await localUserFor(request, tenant, idp, identity);
  if (typeof user === 'string') return fail(user);
  if ('confirmLinkTo' in user) return askToSignInLocally(request, tenant, idp, identity, user, federation, transaction);
  const flow = await flowFor(request.deps.flows, tenant.id, transaction?.application);
  // Provisioning rules run before the flow's own rules, which may look at the groups they add.
  await joinGroupsByRules(request, tenant, idp, [...(idp.groupRules ?? []), ...flow.provisioning.groupRules], user, identity);
  const amr = [federatedAmr];
  const verdict = await afterFirstStep(request.deps, tenant.id, user, {
    ...(transaction?.application ? { application: transaction.application } : {}),
    acrValues: transaction?.acrValues ?? [],
    clientIp: request.state.clientIp,
    newDevice: !isKnownDevice(request, await request.deps.platformSecrets.get('device'), tenant.id, user.id),
    now: Date.now(),
  }, amr);
  if (verdict.denied) return deniedSignIn(request, tenant, user, verdict.denied, transaction);
  if (!verdict.first?.options.includes(federatedOption(idp.id))) return fail('provider_not_allowed_for_user', user.id);
  const session = federation.returnTo ? await currentSession(request, tenant, request.deps.sessions, settingsOf(tenant), Date.now()) : undefined;
  const upstream = { idpId: idp.id, subject: identity.subject, ...identity.session };
  const progress = { ...(transaction ? { transaction: transaction.id } : {}), ...(federation.returnTo ? { returnTo: federation.returnTo } : {}), ...(session ? { replacing: session.idHash } : {}), upstream };
  const succeeded = loginEvent(request, tenant, 'signin.success', user.id, 'success', { method: 'federated', idpId: idp.id });
  if (!verdict.left.length) return completeSignIn(request, tenant, user, amr, [succeeded], progress, transaction);
  await request.deps.auditLog.record(succeeded);
  return continueSignIn(request, tenant, user, verdict, { amr, ...progress });
}
