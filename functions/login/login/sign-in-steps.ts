import { randomBytes, randomUUID } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';
import { newSession } from '../../../shared/domain/auth/sso-session.ts';
import { emailCodeMatches, emailCodeResendMs, newEmailCode } from '../../../shared/domain/factors/email-code.ts';
import type { Factor, RecoveryCodesFactor, TotpFactor } from '../../../shared/domain/factors/factor.ts';
import { matchRecoveryCode, newRecoveryCodes } from '../../../shared/domain/factors/recovery-codes.ts';
import { checkTotp, newTotpSecret, totpUri } from '../../../shared/domain/factors/totp.ts';
import { amrOf } from '../../../shared/domain/flows/flow-plan.ts';
import type { AuthenticatorId } from '../../../shared/domain/flows/flow-document.ts';
import type { FlowVerdict } from '../../../shared/domain/flows/sign-in-context.ts';
import type { LoginState } from '../../../shared/domain/ports/login-state.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import { clearCookie, isSecureOrigin, readCookie, setCookie } from '../../../shared/http/cookies.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { deviceCookie } from '../../../shared/http/device-cookie.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { ssoCookie } from '../../../shared/http/sso-cookie.ts';
import { cannotSignInPage, factorStepPage, recoveryCodesPage, totpEnrolmentPage, type MethodChoice } from '../views/factor-pages.ts';
import { signedInPage } from '../views/login-pages.ts';
import { choosePasswordPage } from '../views/password-pages.ts';
import { newPasswordProblems } from '../../../shared/domain/users/password-change.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { loginEvent, loginPath } from './login-common.ts';

type Request = HttpRequest<PlatformPorts>;

const stateCookie = 'idp_login';
const stateLifetimeMs = 10 * 60_000;
/** Wrong codes one sign-in may try before it has to start again (with the password). */
const maxFailures = 5;
const stepAttempts = { hits: 30, windowSeconds: 60 };

const stepPath = (tenant: Tenant) => `${loginPath(tenant)}/step`;
const cookieOptions = (tenant: Tenant, publicUrl: string) => ({ path: `/t/${tenant.slug}`, secure: isSecureOrigin(publicUrl), sameSite: 'Lax' as const });

const methodLabels: Readonly<Record<string, string>> = { totp: 'Authenticator app', email_otp: 'Email me a code', recovery_code: 'Use a recovery code' };


/** Which of a step's options this user can use now: the factors they have, or an email to send a code to. */
function usableOptions(options: readonly string[], user: User, factors: readonly Factor[]): AuthenticatorId[] {
  return options.filter((option): option is AuthenticatorId => {
    if (option === 'totp') return factors.some((f) => f.kind === 'totp');
    if (option === 'recovery_code') return factors.some((f) => f.kind === 'recovery_codes' && Object.keys(f.codes).length > 0);
    if (option === 'email_otp') return primaryEmail(user) !== undefined;
    return false;
  });
}

/**
 * The end of every sign-in: a new SSO session with the methods used (replacing the one a
 * step-up started from), the device remembered, and back to the protocol or the signed-in page.
 */
export async function completeSignIn(request: Request, tenant: Tenant, user: User, amr: readonly string[], transactionId: string | undefined, events: readonly AuditEvent[], replacing?: string): Promise<HttpResponse> {
  const settings = settingsOf(tenant);
  const now = Date.now();
  const { id, session } = newSession(tenant.id, user.id, [...new Set(amr)], settings, now);
  if (replacing) await request.deps.sessions.end(tenant.id, replacing, [loginEvent(request, tenant, 'session.ended', user.id, 'success', { reason: 'step_up' })]);
  const started = loginEvent(request, tenant, 'session.started', user.id, 'success', { amr: session.amr, absoluteExpiresAt: new Date(session.absoluteExpiresAt).toISOString() });
  await request.deps.sessions.create(session, [...events, started]);
  const cookies = [
    ssoCookie(id, tenant, request.deps.publicUrl, settings),
    deviceCookie(await request.deps.platformSecrets.get('device'), tenant, user.id, request.deps.publicUrl),
    clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl)),
  ];
  const transaction = transactionId ? await request.deps.authTransactions.find(tenant.id, transactionId, now) : undefined;
  if (transaction) return { ...seeOther(transaction.returnTo), cookies };
  return { ...htmlResponse(200, signedInPage(request.state.nonce, settings, primaryEmail(user) ?? user.userName, `${loginPath(tenant)}/logout`)), cookies };
}

/** The flow denied this sign-in: say so, and record it. */
export async function deniedSignIn(request: Request, tenant: Tenant, user: User, message: string): Promise<HttpResponse> {
  await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'flow_rule', message }));
  return htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), message, loginPath: loginPath(tenant) }));
}

/** Steps remain: keep the sign-in server-side and send the browser to the next step. */
export async function continueSignIn(request: Request, tenant: Tenant, user: User, verdict: FlowVerdict, progress: { amr: readonly string[]; transaction?: string; replacing?: string; mustChangePassword?: boolean }): Promise<HttpResponse> {
  const state: LoginState = {
    id: randomBytes(32).toString('base64url'),
    tenant: tenant.id,
    userId: user.id,
    ...(progress.transaction ? { transaction: progress.transaction } : {}),
    ...(progress.replacing ? { replacing: progress.replacing } : {}),
    stepsLeft: verdict.left.map((s) => s.options),
    amr: progress.amr,
    mayEnrol: verdict.mayEnrol,
    ...(progress.mustChangePassword ? { mustChangePassword: true } : {}),
    failures: 0,
    expiresAt: Date.now() + stateLifetimeMs,
  };
  await request.deps.loginStates.create(state);
  return { ...seeOther(stepPath(tenant)), cookies: [setCookie(stateCookie, state.id, { ...cookieOptions(tenant, request.deps.publicUrl), maxAgeSeconds: stateLifetimeMs / 1000 })] };
}

/** The sign-in this browser has under way at this tenant, with its user and factors. */
async function inProgress(request: Request, tenant: Tenant) {
  const id = readCookie(request, stateCookie);
  const state = id && /^[A-Za-z0-9_-]{43}$/.test(id) ? await request.deps.loginStates.find(tenant.id, id, Date.now()) : undefined;
  const user = state ? await request.deps.users.getUser(tenant.id, state.userId) : undefined;
  if (!state || !user || user.status !== 'active') return undefined;
  return { state, user, factors: await request.deps.factors.listFactors(tenant.id, user.id) };
}

const restart = (tenant: Tenant, request: Request) => ({ ...seeOther(loginPath(tenant)), cookies: [clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl))] });

/** Where the application waiting on this sign-in receives the user: the step pages' forms end there. */
const clientOriginOf = async (request: Request, tenant: Tenant, state: LoginState) =>
  state.transaction ? (await request.deps.authTransactions.find(tenant.id, state.transaction, Date.now()))?.clientOrigin : undefined;

async function renderStep(request: Request, tenant: Tenant, state: LoginState, user: User, method: AuthenticatorId, usable: readonly AuthenticatorId[], status = 200, error?: string): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const others: MethodChoice[] = usable.filter((m) => m !== method).map((m) => ({ id: m, label: methodLabels[m] ?? m }));
  const body = factorStepPage({ nonce: request.state.nonce, csrf: token, settings: settingsOf(tenant), action: stepPath(tenant), method, others, stepPath: stepPath(tenant), ...(error ? { error } : {}) });
  return { ...htmlResponse(status, body, formsMayReach(request.state.nonce, await clientOriginOf(request, tenant, state))), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** Mails a code for this sign-in, unless one went out less than a minute ago. */
async function sendEmailCode(request: Request, tenant: Tenant, state: LoginState, user: User): Promise<LoginState> {
  const now = Date.now();
  if (state.emailCode && now - state.emailCode.sentAt < emailCodeResendMs) return state;
  const { code, stored } = newEmailCode(state.id, now);
  const next = { ...state, emailCode: stored };
  if (!(await request.deps.loginStates.update(next, state.failures))) return state;
  const name = settingsOf(tenant).branding.displayName;
  await request.deps.mailer.send({ to: primaryEmail(user)!, subject: `Your ${name} sign-in code: ${code}`, text: `Your sign-in code for ${name} is ${code}. It is valid for 10 minutes.\n\nIf you did not try to sign in, change your password: someone knows it.` });
  await request.deps.auditLog.record(loginEvent(request, tenant, 'mfa.challenge', user.id, 'success', { method: 'email_otp' }));
  return next;
}

/** Offers an authenticator app: a new seed, sealed in the sign-in until a code proves the app has it. */
async function renderEnrolment(request: Request, tenant: Tenant, state: LoginState, user: User, alternatives: readonly AuthenticatorId[], error?: string): Promise<HttpResponse> {
  const vault = createSecureVault(request.deps.keyVault);
  let pending = state.pendingTotp;
  let secret: string;
  if (pending) secret = await vault.openText('totp-seed', tenant.id, pending.factorId, pending.sealedSecret);
  else {
    secret = newTotpSecret();
    const factorId = randomUUID();
    pending = { factorId, sealedSecret: await vault.seal('totp-seed', tenant.id, factorId, secret) };
    if (!(await request.deps.loginStates.update({ ...state, pendingTotp: pending }, state.failures))) return restart(tenant, request);
  }
  const uri = totpUri(settingsOf(tenant).branding.displayName, primaryEmail(user) ?? user.userName, secret);
  // Loaded here, not at cold start: only an enrolment draws a QR code.
  const { default: QRCode } = await import('qrcode');
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const body = totpEnrolmentPage({ nonce: request.state.nonce, csrf: token, settings: settingsOf(tenant), action: `${stepPath(tenant)}/enrol`, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 200 }), manualKey: secret.replace(/(.{4})/g, '$1 ').trim(), others: alternatives.map((m) => ({ id: m, label: methodLabels[m] ?? m })), stepPath: stepPath(tenant), ...(error ? { error } : {}) });
  return { ...htmlResponse(error ? 401 : 200, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** GET /t/{tenant}/login/step[?method=…]: the next step of a sign-in under way. */
export async function showStep(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const found = await inProgress(request, tenant);
  if (!found) return restart(tenant, request);
  let { state } = found;
  const { user, factors } = found;
  if (state.mustChangePassword) return renderPasswordChange(request, tenant, 200);
  const options = state.stepsLeft[0];
  if (!options) return completeSignIn(request, tenant, user, state.amr, state.transaction, [], state.replacing);
  const usable = usableOptions(options, user, factors);
  const asked = request.query.get('method');
  // A step that takes an authenticator app the user has not got offers to set one up first.
  const enrol = options.includes('totp') && !usable.includes('totp') && state.mayEnrol && !usable.some((m) => m === asked);
  if (enrol) return renderEnrolment(request, tenant, state, user, usable);
  if (!usable.length) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'no_usable_factor', options }));
    return htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), message: 'This sign-in needs a second step you have not set up. Ask your administrator for help.', loginPath: loginPath(tenant) }));
  }
  const method = usable.find((m) => m === asked) ?? usable[0]!;
  if (method === 'email_otp') state = await sendEmailCode(request, tenant, state, user);
  return renderStep(request, tenant, state, user, method, usable);
}

/** Checks a code for the method; a TOTP code's time step and a recovery code are each spent once. */
async function verifyCode(request: Request, tenant: Tenant, state: LoginState, user: User, factors: readonly Factor[], method: AuthenticatorId, code: string): Promise<'ok' | 'wrong' | 'replayed'> {
  const now = Date.now();
  if (method === 'totp') {
    const factor = factors.find((f): f is TotpFactor => f.kind === 'totp')!;
    const secret = await createSecureVault(request.deps.keyVault).openText('totp-seed', tenant.id, factor.id, factor.sealedSecret);
    const checked = await checkTotp(secret, code.replace(/\s/g, ''), now);
    if (!checked.valid) return 'wrong';
    return (await request.deps.factors.useTotpStep(tenant.id, user.id, factor.id, checked.timeStep, new Date(now).toISOString())) ? 'ok' : 'replayed';
  }
  if (method === 'recovery_code') {
    const factor = factors.find((f): f is RecoveryCodesFactor => f.kind === 'recovery_codes')!;
    const lookup = await matchRecoveryCode(code, factor.codes);
    if (!lookup) return 'wrong';
    return (await request.deps.factors.useRecoveryCode(tenant.id, user.id, factor.id, lookup, new Date(now).toISOString())) ? 'ok' : 'replayed';
  }
  return emailCodeMatches(state.id, code.trim(), state.emailCode, now) ? 'ok' : 'wrong';
}

/** A passed step: on to the next, or the end of the sign-in. */
async function stepPassed(request: Request, tenant: Tenant, state: LoginState, user: User, method: AuthenticatorId, extra: AuditEvent[] = []): Promise<HttpResponse> {
  const passed = loginEvent(request, tenant, 'mfa.success', user.id, 'success', { method });
  const { emailCode: _e, pendingTotp: _p, ...rest } = state;
  const next: LoginState = { ...rest, stepsLeft: state.stepsLeft.slice(1), amr: [...new Set([...state.amr, amrOf[method]])], failures: 0 };
  if (next.stepsLeft.length) {
    if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
    await request.deps.auditLog.record(passed);
    return seeOther(stepPath(tenant));
  }
  await request.deps.loginStates.remove(tenant.id, state.id);
  return completeSignIn(request, tenant, user, next.amr, state.transaction, [...extra, passed], state.replacing);
}

/** Counts a wrong code; at the limit the sign-in is over and starts again from the password. */
async function stepFailed(request: Request, tenant: Tenant, state: LoginState, user: User, method: AuthenticatorId, usable: readonly AuthenticatorId[], reason: 'wrong' | 'replayed'): Promise<HttpResponse> {
  const failures = state.failures + 1;
  await request.deps.auditLog.record(loginEvent(request, tenant, 'mfa.failure', user.id, 'failure', { method, reason, failures }));
  if (failures >= maxFailures) {
    await request.deps.loginStates.remove(tenant.id, state.id);
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'too_many_wrong_codes' }));
    return { ...htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), message: 'Too many wrong codes. Sign in again from the start.', loginPath: loginPath(tenant) })), cookies: [clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl))] };
  }
  const next = { ...state, failures };
  if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
  const message = reason === 'replayed' ? 'That code was already used. Wait for the next one.' : 'That code is not right. Try again.';
  return renderStep(request, tenant, next, user, method, usable, 401, message);
}

/** POST /t/{tenant}/login/step: a code for the current step. */
export async function submitStep(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `login-step:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `login-step#${tenant.id}#${request.state.clientIp}`, stepAttempts, { tenant: tenant.id, endpoint: 'login-step' });
  const found = await inProgress(request, tenant);
  if (!found) return restart(tenant, request);
  const { state, user, factors } = found;
  const usable = usableOptions(state.stepsLeft[0] ?? [], user, factors);
  const method = usable.find((m) => m === form.get('method'));
  if (!method) throw badRequest('Choose one of the offered ways to verify.');
  const outcome = await verifyCode(request, tenant, state, user, factors, method, (form.get('code') ?? '').slice(0, 32));
  if (outcome !== 'ok') return stepFailed(request, tenant, state, user, method, usable, outcome);
  return stepPassed(request, tenant, state, user, method);
}

/** POST /t/{tenant}/login/step/enrol: the first code from a new authenticator app; recovery codes follow, shown once. */
export async function submitEnrolment(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `login-step:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `login-step#${tenant.id}#${request.state.clientIp}`, stepAttempts, { tenant: tenant.id, endpoint: 'login-step' });
  const found = await inProgress(request, tenant);
  if (!found?.state.pendingTotp || !found.state.mayEnrol) return restart(tenant, request);
  const { state, user } = found;
  const pending = state.pendingTotp!;
  const now = Date.now();
  const secret = await createSecureVault(request.deps.keyVault).openText('totp-seed', tenant.id, pending.factorId, pending.sealedSecret);
  const checked = await checkTotp(secret, (form.get('code') ?? '').replace(/\s/g, '').slice(0, 12), now);
  if (!checked.valid) {
    const failures = state.failures + 1;
    if (failures >= maxFailures) {
      await request.deps.loginStates.remove(tenant.id, state.id);
      return restart(tenant, request);
    }
    if (!(await request.deps.loginStates.update({ ...state, failures }, state.failures))) return restart(tenant, request);
    return renderEnrolment(request, tenant, { ...state, failures }, user, [], 'That code is not right. Check the time on your phone and try the next code.');
  }
  const stamp = new Date(now).toISOString();
  const totp: TotpFactor = { id: pending.factorId, tenant: tenant.id, userId: user.id, kind: 'totp', label: 'Authenticator app', sealedSecret: pending.sealedSecret, lastTimeStep: checked.timeStep, createdAt: stamp, lastUsedAt: stamp };
  if ((await request.deps.factors.addFactor(totp, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'totp', factorId: totp.id })])) === 'exists') return restart(tenant, request);
  // New codes replace any left from an earlier enrolment, so the ones shown are the ones that work.
  const previous = found.factors.find((f) => f.kind === 'recovery_codes');
  if (previous) await request.deps.factors.removeFactor(tenant.id, user.id, previous.id, [loginEvent(request, tenant, 'factor.removed', user.id, 'success', { kind: 'recovery_codes', reason: 'replaced' })]);
  const recovery = await newRecoveryCodes();
  await request.deps.factors.addFactor({ id: randomUUID(), tenant: tenant.id, userId: user.id, kind: 'recovery_codes', label: 'Recovery codes', codes: recovery.hashes, createdAt: stamp }, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'recovery_codes' })]);
  const { pendingTotp: _p, emailCode: _e, ...rest } = state;
  const next: LoginState = { ...rest, stepsLeft: state.stepsLeft.slice(1), amr: [...new Set([...state.amr, amrOf.totp])], failures: 0 };
  if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const body = recoveryCodesPage({ nonce: request.state.nonce, csrf: token, settings: settingsOf(tenant), action: `${stepPath(tenant)}/continue`, codes: recovery.codes });
  return { ...htmlResponse(200, body, formsMayReach(request.state.nonce, await clientOriginOf(request, tenant, state))), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/login/step/continue: after the recovery codes, on to the next step or the end. */
export async function continueAfterEnrolment(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  verifyCsrf(request, `login-step:${tenant.id}`, formOf(request).get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const found = await inProgress(request, tenant);
  if (!found) return restart(tenant, request);
  if (found.state.stepsLeft.length) return seeOther(stepPath(tenant));
  await request.deps.loginStates.remove(tenant.id, found.state.id);
  return completeSignIn(request, tenant, found.user, found.state.amr, found.state.transaction, [], found.state.replacing);
}

async function renderPasswordChange(request: Request, tenant: Tenant, status: number, errors?: readonly string[]): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const body = choosePasswordPage({ nonce: request.state.nonce, settings: settingsOf(tenant), csrf: token, action: `${stepPath(tenant)}/password`, token: '', heading: 'Choose a new password', ...(errors ? { errors } : {}) });
  return { ...htmlResponse(status, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/login/step/password: the new password an administrator required; then the sign-in goes on. */
export async function submitPasswordChange(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `login-step:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const found = await inProgress(request, tenant);
  if (!found?.state.mustChangePassword) return restart(tenant, request);
  const { state, user } = found;
  const password = (form.get('password') ?? '').slice(0, 1024);
  const problems = await newPasswordProblems(password, settingsOf(tenant).passwordPolicy, user, await request.deps.users.recentPasswords(tenant.id, user.id));
  if (problems.length) return renderPasswordChange(request, tenant, 400, problems);
  const { passwordChangeRequired: _required, ...rest } = user;
  const outcome = await request.deps.users.updateUser({ ...rest, updatedAt: new Date().toISOString(), version: user.version + 1 }, user.version, { passwordHash: await hashSecret('password', password) }, [
    loginEvent(request, tenant, 'password.changed', user.id, 'success', { reason: user.passwordChangeRequired ? 'required_by_administrator' : 'expired' }),
  ]);
  if (outcome !== 'done') return restart(tenant, request);
  const { mustChangePassword: _must, ...next } = state;
  if (next.stepsLeft.length) {
    if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
    return seeOther(stepPath(tenant));
  }
  await request.deps.loginStates.remove(tenant.id, state.id);
  return completeSignIn(request, tenant, user, state.amr, state.transaction, [], state.replacing);
}
