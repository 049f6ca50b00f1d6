import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { passkeysOf } from '../../../shared/domain/factors/factor.ts';
import { passkeyAmr } from '../../../shared/domain/factors/passkeys.ts';
import type { AuthenticatorId } from '../../../shared/domain/flows/flow-document.ts';
import { amrOf } from '../../../shared/domain/flows/flow-plan.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { html } from '../../../shared/http/views/html.ts';
import { confirmPasskey, confirmTotp, offerTotp, replaceRecoveryCodes } from '../factors/factor-enrolment.ts';
import { registrationCeremony } from '../factors/passkey-ceremony.ts';
import { translator, type MessageKey } from '../../../shared/http/i18n.ts';
import { otherWays, recoveryCodesPage, totpEnrolmentPage } from '../views/factor-pages.ts';
import { passkeyEnrolmentPage } from '../views/passkey-views.ts';
import { loginEvent } from './login-common.ts';
import { completeSignIn, inProgress, maxFailures, passedStep, restart, stepAttempts, stepLocale, stepPageContext, stepPath, type InProgress } from './sign-in-progress.ts';
import { choices } from './step-authenticators.ts';

/**
 * Enrolment during a sign-in (flow document `enrolment.selfService`): a step takes a factor
 * the user has not got, so the step's page first offers to set one up.
 */

type Request = HttpRequest<PlatformPorts>;
type Enrollable = 'totp' | 'webauthn';

const enrolLabels: Readonly<Record<Enrollable, MessageKey>> = { totp: 'enrolTotp.instead', webauthn: 'enrolPasskey.instead' };

/** The factors a step takes that the user could set up now. */
export const enrollableOptions = (options: readonly string[], usable: readonly AuthenticatorId[]): Enrollable[] =>
  options.filter((o): o is Enrollable => (o === 'totp' || o === 'webauthn') && !usable.includes(o));

const csrfScope = (tenant: Tenant) => `login-step:${tenant.id}`;

/** The enrolment page for a kind, with links to the other kind and to the ways the user already has. */
export async function renderEnrolment(request: Request, tenant: Tenant, found: InProgress, kind: Enrollable, usable: readonly AuthenticatorId[], problem?: MessageKey): Promise<HttpResponse> {
  const { state, user, factors } = found;
  const settings = settingsOf(tenant);
  const { token, cookie } = issueCsrf(request, csrfScope(tenant), await tenantCsrfOptions(request.deps, tenant));
  const locale = await stepLocale(request, tenant, state);
  const t = translator(locale);
  const error = problem ? { error: t(problem) } : {};
  const instead = enrollableOptions(state.stepsLeft[0] ?? [], []).filter((k) => k !== kind && !usable.includes(k));
  const others = html`${instead.map((k) => html`<p><a href="${stepPath(tenant)}?enrol=${k}" id="enrol-${k}">${t(enrolLabels[k])}</a></p>`)}${otherWays(t('step.notNow'), choices(t, usable), stepPath(tenant))}`;
  let body: string;
  if (kind === 'webauthn') {
    const ceremony = await registrationCeremony(request, tenant, user, passkeysOf(factors));
    body = passkeyEnrolmentPage({ nonce: request.state.nonce, settings, locale, form: { nonce: request.state.nonce, csrf: token, action: `${stepPath(tenant)}/enrol-passkey`, ceremony, button: t('enrolPasskey.button'), locale }, others, ...error });
  } else {
    const offer = await offerTotp(request, tenant, user, state.pendingTotp);
    if (!state.pendingTotp && !(await request.deps.loginStates.update({ ...state, pendingTotp: offer.pending }, state.failures))) return restart(tenant, request);
    body = totpEnrolmentPage({ nonce: request.state.nonce, csrf: token, settings, locale, action: `${stepPath(tenant)}/enrol`, qrDataUrl: offer.qrDataUrl, manualKey: offer.manualKey, others, ...error });
  }
  return { ...htmlResponse(error ? 401 : 200, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** A wrong answer during enrolment: counted like a wrong code; at the limit the sign-in starts again. */
async function enrolmentFailed(request: Request, tenant: Tenant, found: InProgress, kind: Enrollable, message: MessageKey): Promise<HttpResponse> {
  const failures = found.state.failures + 1;
  if (failures >= maxFailures) {
    await request.deps.loginStates.remove(tenant.id, found.state.id);
    return restart(tenant, request);
  }
  const state = { ...found.state, failures };
  if (!(await request.deps.loginStates.update(state, found.state.failures))) return restart(tenant, request);
  return renderEnrolment(request, tenant, { ...found, state }, kind, [], message);
}

/**
 * The step passed by enrolling (a second factor used for the first time counts as one passed, for
 * the statistics too): recovery codes follow (shown once) when this is the user's first second factor.
 */
async function enrolled(request: Request, tenant: Tenant, found: InProgress, method: Enrollable, amr: readonly string[], withRecoveryCodes: boolean): Promise<HttpResponse> {
  const { state, user, factors } = found;
  const next = passedStep(state, amr);
  if (!(await request.deps.loginStates.update(next, state.failures))) return restart(tenant, request);
  await request.deps.auditLog.record(loginEvent(request, tenant, 'mfa.success', user.id, 'success', { method, enrolled: true }));
  if (!withRecoveryCodes) return next.stepsLeft.length ? seeOther(stepPath(tenant)) : finish(request, tenant, { ...found, state: next });
  const codes = await replaceRecoveryCodes(request, tenant, user, factors);
  const { token, cookie } = issueCsrf(request, csrfScope(tenant), await tenantCsrfOptions(request.deps, tenant));
  const { locale, clientOrigin } = await stepPageContext(request, tenant, state);
  const body = recoveryCodesPage({ nonce: request.state.nonce, csrf: token, settings: settingsOf(tenant), locale, action: `${stepPath(tenant)}/continue`, codes });
  return { ...htmlResponse(200, body, formsMayReach(request.state.nonce, clientOrigin)), ...(cookie ? { cookies: [cookie] } : {}) };
}

async function finish(request: Request, tenant: Tenant, { state, user }: InProgress): Promise<HttpResponse> {
  await request.deps.loginStates.remove(tenant.id, state.id);
  return completeSignIn(request, tenant, user, state.amr, [], state);
}

/** The sign-in an enrolment form belongs to, after its CSRF token and the step rate limit; undefined to start again. */
async function enrolling(request: Request, tenant: Tenant, kind: Enrollable): Promise<InProgress | undefined> {
  verifyCsrf(request, csrfScope(tenant), formOf(request).get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `login-step#${tenant.id}#${request.state.clientIp}`, stepAttempts, { tenant: tenant.id, endpoint: 'login-step' });
  const found = await inProgress(request, tenant);
  return found?.state.mayEnrol && found.state.stepsLeft[0]?.includes(kind) ? found : undefined;
}

/** POST /t/{tenant}/login/step/enrol: the first code from a new authenticator app; recovery codes follow, shown once. */
export async function submitEnrolment(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const found = await enrolling(request, tenant, 'totp');
  if (!found?.state.pendingTotp) return restart(tenant, request);
  const outcome = await confirmTotp(request, tenant, found.user, found.state.pendingTotp, formOf(request).get('code') ?? '');
  if (outcome === 'wrong') return enrolmentFailed(request, tenant, found, 'totp', 'enrolTotp.wrongCode');
  if (outcome === 'exists') return restart(tenant, request);
  return enrolled(request, tenant, found, 'totp', [amrOf.totp], true);
}

/** POST /t/{tenant}/login/step/enrol-passkey: a new passkey's registration; recovery codes follow if the user has none. */
export async function submitPasskeyEnrolment(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const found = await enrolling(request, tenant, 'webauthn');
  if (!found) return restart(tenant, request);
  const form = formOf(request);
  const outcome = await confirmPasskey(request, tenant, found.user, found.factors, { ceremony: form.get('ceremony'), credential: form.get('credential') });
  if (outcome === 'wrong') return enrolmentFailed(request, tenant, found, 'webauthn', 'enrolPasskey.failed');
  const hasRecoveryCodes = found.factors.some((f) => f.kind === 'recovery_codes' && Object.keys(f.codes).length > 0);
  return enrolled(request, tenant, found, 'webauthn', passkeyAmr(true), !hasRecoveryCodes);
}

/** POST /t/{tenant}/login/step/continue: after the recovery codes, on to the next step or the end. */
export async function continueAfterEnrolment(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  verifyCsrf(request, csrfScope(tenant), formOf(request).get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const found = await inProgress(request, tenant);
  if (!found) return restart(tenant, request);
  if (found.state.stepsLeft.length) return seeOther(stepPath(tenant));
  return finish(request, tenant, found);
}
