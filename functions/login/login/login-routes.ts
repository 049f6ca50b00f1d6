import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { passwordLogin } from '../../../shared/domain/auth/password-login.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail } from '../../../shared/domain/users/user.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { clearSsoCookie, currentSession } from '../../../shared/http/sso-cookie.ts';
import { startSamlLogout } from '../../../shared/http/saml-logout.ts';
import { endSessionFrom } from '../../../shared/http/session-ending.ts';
import { accountChooserPage, loginPage, signedInPage, signedOutPage } from '../views/login-pages.ts';
import { completeSignIn, continueSignIn, deniedSignIn, type SignInProgress } from './sign-in-progress.ts';
import { accountReturnPath } from '../account/account-session.ts';
import { afterFirstStep, forSession } from '../../../shared/domain/flows/sign-in-context.ts';
import { isKnownDevice } from '../../../shared/http/device-cookie.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import type { AuthTransaction } from '../../../shared/domain/ports/session-store.ts';
import { loginEvent, loginPath, pageLocale } from './login-common.ts';
import { say, translator, type Wording } from '../../../shared/http/i18n.ts';
import { confirmPendingLink } from '../federation/federated-user.ts';
import { upstreamLogoutStart } from '../federation/upstream-logout.ts';
import { asksIdentifierFirst, homeRealmOf } from '../../../shared/domain/flows/home-realm.ts';
import { flowFor } from '../../../shared/domain/flows/flow-selection.ts';
import { firstStepMayUse, firstStepProviders } from '../../../shared/domain/flows/flow-plan.ts';
import { signInCeremony } from '../factors/passkey-ceremony.ts';

type Request = HttpRequest<PlatformPorts>;

/** Password attempts per client address per tenant per minute, on top of per-account lockout. */
export const attemptLimit = { hits: 20, windowSeconds: 60 };
const transactionPattern = /^[A-Za-z0-9_-]{16,64}$/;



/** The opaque transaction a protocol handed the login, if it is this tenant's and still open. */
export async function transactionOf(request: Request, tenant: Tenant, id: string | null | undefined) {
  if (!id || !transactionPattern.test(id)) return undefined;
  return request.deps.authTransactions.find(tenant.id, id, Date.now());
}

/** A pending federated link the form carries (kept across a wrong password). */
const linkField = (form: URLSearchParams) => (/^[A-Za-z0-9_-]{43}$/.test(form.get('link') ?? '') ? { link: form.get('link')! } : {});

/** The account page a failed attempt keeps returning to. */
export const returnField = (tenant: Tenant, form: URLSearchParams) => {
  const returnTo = accountReturnPath(tenant, form.get('return_to'));
  return returnTo ? { returnTo } : {};
};

/** Where "Continue with {provider}" starts: the federated sign-in, carrying the transaction or the account page, and what the user typed as a hint. */
function federatedStart(tenant: Tenant, idpId: string, transaction: AuthTransaction | undefined, returnTo: string | undefined, loginHint?: string) {
  const query = new URLSearchParams({ ...(transaction ? { tx: transaction.id } : {}), ...(returnTo ? { return_to: returnTo } : {}), ...(loginHint ? { login_hint: loginHint } : {}) }).toString();
  return `${loginPath(tenant)}/federated/${idpId}${query ? `?${query}` : ''}`;
}

/**
 * The sign-in page, in the sign-in's language; `error` and `notice` are said in it (a message
 * key, or one with its values).
 */
export async function renderLogin(request: Request, tenant: Tenant, status: number, transaction: AuthTransaction | undefined, extra: { identifier?: string; error?: Wording; returnTo?: string; notice?: Wording; link?: string }): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `login:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const locale = pageLocale(request, transaction);
  const t = translator(locale);
  // A passkey can sign in without a username when the application's flow takes one for its first step.
  const flow = await flowFor(request.deps.flows, tenant.id, transaction?.application);
  const passkey = firstStepMayUse(flow, 'webauthn') ? await signInCeremony(request, tenant) : undefined;
  // With realm rules the identifier comes first: it may send the user to their organisation's provider instead of asking a password.
  const identifierFirst = asksIdentifierFirst(flow) && extra.identifier === undefined;
  // A pending link is confirmed by the account's password, whatever else the flow's first step offers.
  const password = (firstStepMayUse(flow, 'password') && !identifierFirst) || extra.link !== undefined;
  const providers = extra.link ? [] : (await Promise.all(firstStepProviders(flow).map((id) => request.deps.identityProviders.get(tenant.id, id)))).filter((idp) => idp?.enabled);
  const federated = providers.map((idp) => ({ name: idp!.name, href: federatedStart(tenant, idp!.id, transaction, extra.returnTo) }));
  const { error, notice, ...rest } = extra;
  const view = {
    nonce: request.state.nonce, csrf: token, action: loginPath(tenant), settings: settingsOf(tenant), locale, password, identifierFirst, ...(transaction ? { transaction: transaction.id } : {}), ...rest,
    ...(error ? { error: say(t, error) } : {}), ...(notice ? { notice: say(t, notice) } : {}),
    ...(federated.length ? { federated } : {}),
    ...(passkey ? { passkey: { nonce: request.state.nonce, csrf: token, action: `${loginPath(tenant)}/passkey`, ceremony: passkey, button: t('signIn.passkey'), locale, hidden: { ...(transaction ? { tx: transaction.id } : {}), ...(extra.returnTo ? { return_to: extra.returnTo } : {}) } } } : {}),
  };
  const response = htmlResponse(status, loginPage(view), formsMayReach(request.state.nonce, transaction?.clientOrigin));
  return cookie ? { ...response, cookies: [cookie] } : response;
}

/**
 * Where a sign-in from the login form goes when done: the protocol's transaction, or an account
 * page; signing in again for an account page replaces this browser's session.
 */
export async function progressOf(request: Request, tenant: Tenant, transaction: AuthTransaction | undefined, form: URLSearchParams): Promise<SignInProgress> {
  if (transaction) return { transaction: transaction.id };
  const returnTo = accountReturnPath(tenant, form.get('return_to'));
  if (!returnTo) return {};
  const session = await currentSession(request, tenant, request.deps.sessions, settingsOf(tenant), Date.now());
  return { returnTo, ...(session ? { replacing: session.idHash } : {}) };
}

/** GET /t/{tenant}/login[?tx=…]: the sign-in page, or straight back to the transaction when already signed in. */
export async function showLogin(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const settings = settingsOf(tenant);
  const transaction = await transactionOf(request, tenant, request.query.get('tx'));
  const session = await currentSession(request, tenant, request.deps.sessions, settings, Date.now());
  // An account-portal page sends the user here to sign in (again, with prompt=login, before a sensitive change).
  const returnTo = transaction ? undefined : accountReturnPath(tenant, request.query.get('return_to'));
  const signInAgain = request.query.get('prompt') === 'login';
  if (session && returnTo && !signInAgain) return seeOther(returnTo);
  if (session && !transaction?.forceLogin && !signInAgain) {
    const user = await request.deps.users.getUser(tenant.id, session.userId);
    if (transaction && !transaction.chooseAccount && user) {
      // The application's flow may ask more of this session than it has done (step-up).
      const verdict = await forSession(request.deps, tenant.id, user, session, { ...(transaction.application ? { application: transaction.application } : {}), clientIp: request.state.clientIp, newDevice: false, acrValues: transaction.acrValues ?? [], now: Date.now() });
      if (verdict.denied) return deniedSignIn(request, tenant, user, verdict.denied, transaction);
      if (verdict.left.length) return continueSignIn(request, tenant, user, verdict, { amr: session.amr, transaction: transaction.id, replacing: session.idHash, ...(session.upstream ? { upstream: session.upstream } : {}) });
      return seeOther(transaction.returnTo);
    }
    const who = (user && (primaryEmail(user) ?? user.userName)) ?? session.userId;
    if (transaction) {
      const { token, cookie } = issueCsrf(request, `login:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
      const body = accountChooserPage({ nonce: request.state.nonce, csrf: token, action: `${loginPath(tenant)}/select`, settings, transaction: transaction.id, who, locale: pageLocale(request, transaction) });
      return { ...htmlResponse(200, body, formsMayReach(request.state.nonce, transaction.clientOrigin)), ...(cookie ? { cookies: [cookie] } : {}) };
    }
    return htmlResponse(200, signedInPage(request.state.nonce, settings, who, `${loginPath(tenant)}/logout`, pageLocale(request)));
  }
  // Home realm discovery: the application's hints (or its login_hint's domain) may name the provider outright.
  const realm = transaction ? homeRealmOf(await flowFor(request.deps.flows, tenant.id, transaction.application), transaction) : undefined;
  if (realm && (await request.deps.identityProviders.get(tenant.id, realm))?.enabled) return seeOther(federatedStart(tenant, realm, transaction, undefined));
  return renderLogin(request, tenant, 200, transaction, { ...(transaction?.loginHint ? { identifier: transaction.loginHint.slice(0, 256) } : {}), ...(returnTo ? { returnTo } : {}) });
}

/** POST /t/{tenant}/login/select: the account chooser's answer, back to the transaction or to a fresh sign-in. */
export async function selectAccount(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `login:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const choice = form.get('account');
  if (choice !== 'current' && choice !== 'another') throw badRequest('Choose an account.');
  const transaction = await transactionOf(request, tenant, form.get('tx'));
  if (!transaction) throw new HttpError(400, 'expired_request', 'This sign-in request has expired. Go back to the application and start again.');
  await request.deps.authTransactions.chooseAccount(tenant.id, transaction.id, choice);
  return seeOther(choice === 'current' ? transaction.returnTo : `${loginPath(tenant)}?tx=${transaction.id}`);
}

/** POST /t/{tenant}/login: identifier and password; on success an SSO session and back to the transaction. */
export async function submitLogin(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const settings = settingsOf(tenant);
  const form = formOf(request);
  verifyCsrf(request, `login:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const now = Date.now();
  const gate = throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const identifier = (form.get('identifier') ?? '').slice(0, 256);
  const password = (form.get('password') ?? '').slice(0, 1024);
  const transaction = await transactionOf(request, tenant, form.get('tx'));
  const flow = await flowFor(request.deps.flows, tenant.id, transaction?.application);
  const realm = homeRealmOf(flow, { identifier });
  if (realm && (await request.deps.identityProviders.get(tenant.id, realm))?.enabled) return seeOther(federatedStart(tenant, realm, transaction, accountReturnPath(tenant, form.get('return_to')), identifier));
  // The first half of an identifier-first sign-in, for someone whose domain has no provider: now the password.
  if (!form.has('password') && asksIdentifierFirst(flow)) return renderLogin(request, tenant, 200, transaction, { identifier, ...returnField(tenant, form) });
  // An application whose flow signs in only through an upstream provider (or a passkey) takes no password, whatever is posted.
  const link = form.get('link');
  if (!firstStepMayUse(flow, 'password') && !link) {
    return renderLogin(request, tenant, 400, transaction, { error: 'signIn.noPasswords', ...returnField(tenant, form) });
  }
  const context = { tenant: tenant.id, settings, clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, now };
  const result = await passwordLogin(request.deps.users, identifier, password, context, gate);
  if (!result.ok) {
    for (const event of result.events ?? []) await request.deps.auditLog.record(event);
    return renderLogin(request, tenant, 401, transaction, { identifier, error: 'signIn.failed', ...returnField(tenant, form), ...(linkField(form)) });
  }
  const user = result.user;
  const verdict = await afterFirstStep(request.deps, tenant.id, user, {
    ...(transaction?.application ? { application: transaction.application } : {}),
    acrValues: transaction?.acrValues ?? [],
    clientIp: request.state.clientIp,
    newDevice: !isKnownDevice(request, await request.deps.platformSecrets.get('device'), tenant.id, user.id),
    failedAttempts: result.priorFailures,
    now,
  });
  if (verdict.denied) {
    for (const event of result.events ?? []) await request.deps.auditLog.record(event);
    return deniedSignIn(request, tenant, user, verdict.denied, transaction);
  }
  // Confirming a pending link is the one password sign-in a federated-only flow takes: it then goes on as the flow says.
  if (link) await confirmPendingLink(request, tenant, user, link);
  if (!verdict.first?.options.includes('password') && !link) {
    // A rule offers the password to some users only; this one is not among them (said as any other failure).
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.failure', user.id, 'failure', { reason: 'password_not_allowed', method: 'password' }));
    return renderLogin(request, tenant, 401, transaction, { identifier, error: 'signIn.failed', ...returnField(tenant, form) });
  }
  const mustChangePassword = user.passwordChangeRequired === true || result.passwordExpired;
  const progress = await progressOf(request, tenant, transaction, form);
  if (!verdict.left.length && !mustChangePassword) return completeSignIn(request, tenant, user, ['pwd'], result.events ?? [], progress, transaction);
  for (const event of result.events ?? []) await request.deps.auditLog.record(event);
  return continueSignIn(request, tenant, user, verdict, { amr: ['pwd'], mustChangePassword, ...progress });
}

/** GET /t/{tenant}/login/logout: ends this browser's SSO session at this tenant, and tells the applications that joined it. */
export async function logout(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const settings = settingsOf(tenant);
  const now = Date.now();
  const session = await currentSession(request, tenant, request.deps.sessions, settings, now);
  const cookies = [clearSsoCookie(tenant, request.deps.publicUrl)];
  if (session) {
    const ended = await endSessionFrom(request, tenant, session, 'logout');
    // SAML participants are signed out through the browser; the SAML logout page then says the user is out.
    const samlLogout = await startSamlLogout(request.deps, tenant, ended, { kind: 'idp' }, now);
    // A session begun at an upstream provider signs out there too, then comes back to the SAML legs (if any).
    const upstream = await upstreamLogoutStart(request, tenant, session, samlLogout);
    if (upstream) return { ...upstream, cookies };
    if (samlLogout) return { ...seeOther(samlLogout), cookies };
  }
  return { ...htmlResponse(200, signedOutPage(request.state.nonce, settings, loginPath(tenant), pageLocale(request))), cookies };
}
