import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { AuthenticatorId } from '../../../shared/domain/flows/flow-document.ts';
import type { LoginState } from '../../../shared/domain/ports/login-state.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { newPasswordProblems } from '../../../shared/domain/users/password-change.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import type { Factor } from '../../../shared/domain/factors/factor.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { translateKnown, translator, type MessageKey } from '../../../shared/http/i18n.ts';
import { cannotSignInPage, factorStepPage, otherWays } from '../views/factor-pages.ts';
import { passkeyStepPage } from '../views/passkey-views.ts';
import { choosePasswordPage } from '../views/password-pages.ts';
import { loginEvent, loginPath } from './login-common.ts';
import { completeSignIn, inProgress, maxFailures, passedStep, restart, clearStateCookie, stepAttempts, stepLocale, stepPageContext, stepPath, type InProgress } from './sign-in-progress.ts';
import { choices, stepAuthenticator, usableOptions } from './step-authenticators.ts';
import { enrollableOptions, renderEnrolment } from './step-enrolment.ts';

/** The step pages of a sign-in under way: one method of the current step at a time. */

type Request = HttpRequest<PlatformPorts>;

async function renderStep(request: Request, tenant: Tenant, state: LoginState, user: User, factors: readonly Factor[], method: AuthenticatorId, usable: readonly AuthenticatorId[], status = 200, problem?: MessageKey): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const { locale, clientOrigin } = await stepPageContext(request, tenant, state);
  const t = translator(locale);
  const others = choices(t, usable.filter((m) => m !== method));
  const settings = settingsOf(tenant);
  const error = problem ? { error: t(problem) } : {};
  const ceremony = await stepAuthenticator(method)?.present?.({ request, tenant, state, user, factors });
  const body = ceremony
    ? passkeyStepPage({ nonce: request.state.nonce, settings, locale, form: { nonce: request.state.nonce, csrf: token, action: stepPath(tenant), ceremony, button: t('step.passkey.button'), locale, hidden: { method } }, others: otherWays(t('step.otherWays'), others, stepPath(tenant)), ...error })
    : factorStepPage({ nonce: request.state.nonce, csrf: token, settings, locale, action: stepPath(tenant), method, others, stepPath: stepPath(tenant), ...error });
  return { ...htmlResponse(status, body, formsMayReach(request.state.nonce, clientOrigin)), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** GET /t/{tenant}/login/step[?method=…|enrol=…]: the next step of a sign-in under way. */
export async function showStep(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const found = await inProgress(request, tenant);
  if (!found) return restart(tenant, request);
  let { state } = found;
  const { user, factors } = found;
  if (state.mustChangePassword) return renderPasswordChange(request, tenant, state, 200);
  const options = state.stepsLeft[0];
  if (!options) return completeSignIn(request, tenant, user, state.amr, [], state);
  const usable = usableOptions(options, user, factors);
  const asked = request.query.get('method');
  // A step that takes a factor the user has not enrolled (an app or a passkey) offers to set one up
  // first, unless they have one of those for this step or chose another way.
  const hasEnrolled = usable.some((m) => m === 'totp' || m === 'webauthn');
  const enrollable = state.mayEnrol && !hasEnrolled ? enrollableOptions(options, usable) : [];
  const enrol = enrollable.find((m) => m === request.query.get('enrol')) ?? (usable.some((m) => m === asked) ? undefined : enrollable[0]);
  if (enrol) return renderEnrolment(request, tenant, { state, user, factors }, enrol, usable);
  if (!usable.length) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'no_usable_factor', options }));
    const locale = await stepLocale(request, tenant, state);
    return htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, message: translator(locale)('cannotSignIn.noFactor'), loginPath: loginPath(tenant) }));
  }
  const method = usable.find((m) => m === asked) ?? usable[0]!;
  const prepare = stepAuthenticator(method)?.prepare;
  if (prepare) state = await prepare({ request, tenant, state, user, factors });
  return renderStep(request, tenant, state, user, factors, method, usable);
}

/** A passed step: on to the next, or the end of the sign-in. */
async function stepPassed(request: Request, tenant: Tenant, state: LoginState, user: User, method: AuthenticatorId, amr: readonly string[]): Promise<HttpResponse> {
  const passed = loginEvent(request, tenant, 'mfa.success', user.id, 'success', { method });
  const next = passedStep(state, amr);
  if (next.stepsLeft.length) {
    if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
    await request.deps.auditLog.record(passed);
    return seeOther(stepPath(tenant));
  }
  await request.deps.loginStates.remove(tenant.id, state.id);
  return completeSignIn(request, tenant, user, next.amr, [passed], state);
}

/** Counts a wrong code; at the limit the sign-in is over and starts again from the password. */
async function stepFailed(request: Request, tenant: Tenant, { state, user, factors }: InProgress, method: AuthenticatorId, usable: readonly AuthenticatorId[], reason: 'wrong' | 'replayed'): Promise<HttpResponse> {
  const failures = state.failures + 1;
  await request.deps.auditLog.record(loginEvent(request, tenant, 'mfa.failure', user.id, 'failure', { method, reason, failures }));
  if (failures >= maxFailures) {
    const locale = await stepLocale(request, tenant, state);
    await request.deps.loginStates.remove(tenant.id, state.id);
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'too_many_wrong_codes' }));
    return { ...htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, message: translator(locale)('cannotSignIn.tooManyCodes'), loginPath: loginPath(tenant) })), cookies: [clearStateCookie(tenant, request)] };
  }
  const next = { ...state, failures };
  if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
  const message: MessageKey = method === 'webauthn' ? 'step.passkeyFailed' : reason === 'replayed' ? 'step.replayedCode' : 'step.wrongCode';
  return renderStep(request, tenant, next, user, factors, method, usable, 401, message);
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
  const outcome = await stepAuthenticator(method)!.verify({ request, tenant, state, user, factors }, { code: (form.get('code') ?? '').slice(0, 32), ceremony: form.get('ceremony'), credential: form.get('credential') });
  if (outcome.result !== 'ok') return stepFailed(request, tenant, found, method, usable, outcome.result);
  return stepPassed(request, tenant, state, user, method, outcome.amr);
}

/** The new password an administrator (or its expiry) requires; the policy's problems come in English and are said in the page's language. */
async function renderPasswordChange(request: Request, tenant: Tenant, state: LoginState, status: number, errors?: readonly string[]): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `login-step:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const locale = await stepLocale(request, tenant, state);
  const t = translator(locale);
  const body = choosePasswordPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, csrf: token, action: `${stepPath(tenant)}/password`, token: '', heading: 'newPassword.title', ...(errors ? { errors: errors.map((e) => translateKnown(t, e)) } : {}) });
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
  if (problems.length) return renderPasswordChange(request, tenant, state, 400, problems);
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
  return completeSignIn(request, tenant, user, state.amr, [], state);
}
