import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { endUserSessionsFrom } from '../../../shared/http/session-ending.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import type { ActionPurpose } from '../../../shared/domain/ports/action-tokens.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { issuerOf, settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { newPasswordProblems } from '../../../shared/domain/users/password-change.ts';
import { mailPasswordLink } from '../../../shared/domain/users/password-links.ts';
import type { SecurityQuestionsFactor } from '../../../shared/domain/factors/factor.ts';
import { answersMatch } from '../../../shared/domain/factors/security-questions.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse } from '../../../shared/http/responses.ts';
import { translateKnown, translator, type Locale } from '../../../shared/http/i18n.ts';
import { mailLocale, passwordLinkWording } from '../../../shared/http/mail-wording.ts';
import { choosePasswordPage, forgotPasswordPage, passwordMessagePage, resetLinkSentPage } from '../views/password-pages.ts';
import { carriedLocale, linkTokenPattern, loginEvent, loginPath, pageLocale } from './login-common.ts';
import { transactionOf } from './login-routes.ts';

type Request = HttpRequest<PlatformPorts>;

const requestsPerAddress = { hits: 5, windowSeconds: 300 };
const requestsPerAccount = { hits: 3, windowSeconds: 3600 };
/** Links a user may follow to set a password: a reset they asked for, or an administrator's invitation. */
const passwordPurposes: readonly ActionPurpose[] = ['password-reset', 'invitation'];



/** The sign-in page to go back to: the one of the sign-in under way, if any. */
const signInPath = (tenant: Tenant, transaction: { id: string } | undefined) => (transaction ? `${loginPath(tenant)}?tx=${transaction.id}` : loginPath(tenant));

/** GET /t/{tenant}/login/forgot[?tx=…]: the address to send a reset link to, in the sign-in's language. */
export async function showForgotPassword(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const transaction = await transactionOf(request, tenant, request.query.get('tx'));
  const { token, cookie } = issueCsrf(request, `forgot:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const body = forgotPasswordPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale: pageLocale(request, transaction), csrf: token, action: `${loginPath(tenant)}/forgot`, loginPath: signInPath(tenant, transaction), ...(transaction ? { transaction: transaction.id } : {}) });
  return { ...htmlResponse(200, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

/**
 * POST /t/{tenant}/login/forgot: mails a single-use link when the address is an active
 * account's. The answer is the same either way, so the form tells nobody who has an account.
 */
export async function requestPasswordReset(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `forgot:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `forgot#${tenant.id}#${request.state.clientIp}`, requestsPerAddress, { tenant: tenant.id, endpoint: 'forgot-password' });
  const email = (form.get('email') ?? '').trim().slice(0, 254);
  const found = email ? await request.deps.users.findByLogin(tenant.id, email) : undefined;
  const user = found?.user;
  const transaction = await transactionOf(request, tenant, form.get('tx'));
  const answer = htmlResponse(200, resetLinkSentPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale: pageLocale(request, transaction), loginPath: signInPath(tenant, transaction) }));
  if (!user || user.status !== 'active' || !user.emails.some((e) => e.value.toLowerCase() === email.toLowerCase())) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'password.reset_requested', undefined, 'failure', { reason: 'no_such_account' }));
    return answer;
  }
  const limited = await request.deps.rateLimiter.hit(`forgot#${tenant.id}#user#${user.id}`, requestsPerAccount.hits, requestsPerAccount.windowSeconds, Date.now());
  if (!limited.allowed) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'password.reset_requested', user.id, 'denied', { reason: 'too_many_requests' }));
    return answer;
  }
  const locale = mailLocale(user.locale, transaction?.uiLocales, request.headers['accept-language']);
  await mailPasswordLink(request.deps, tenant, issuerOf(request.deps.publicUrl, tenant), { id: user.id, email }, 'password-reset', passwordLinkWording(locale, settingsOf(tenant).branding.displayName, 'password-reset'));
  await request.deps.auditLog.record(loginEvent(request, tenant, 'password.reset_requested', user.id, 'success', {}));
  return answer;
}

/** Wrong answers a reset link survives: the third spends it. */
const answerAttempts = { hits: 2, windowSeconds: 3600 };

/**
 * The security questions a reset must answer: when the tenant has them on and the user chose
 * answers (never for an invitation, which sets a first password).
 */
async function questionsFor(request: Request, tenant: Tenant, userId: string, purpose: ActionPurpose): Promise<SecurityQuestionsFactor | undefined> {
  if (purpose !== 'password-reset' || !settingsOf(tenant).securityQuestions?.enabled) return undefined;
  return (await request.deps.factors.listFactors(tenant.id, userId)).find((f): f is SecurityQuestionsFactor => f.kind === 'security_questions');
}

type Language = ReturnType<typeof carriedLocale>;

/** Problems (the password policy's, the answers') go in English to the page, which says them in its language. */
async function renderChoosePassword(request: Request, tenant: Tenant, language: Language, token: string, purpose: ActionPurpose, status: number, questions: SecurityQuestionsFactor | undefined, errors?: readonly string[]): Promise<HttpResponse> {
  const { token: csrf, cookie } = issueCsrf(request, `reset:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const t = translator(language.locale);
  const body = choosePasswordPage({
    nonce: request.state.nonce, settings: settingsOf(tenant), locale: language.locale, ...(language.uiLocales ? { uiLocales: language.uiLocales } : {}), csrf, action: `${loginPath(tenant)}/reset`, token,
    heading: purpose === 'invitation' ? 'newPassword.titleInvitation' : 'newPassword.title',
    ...(errors ? { errors: errors.map((e) => translateKnown(t, e)) } : {}), ...(questions ? { questions: questions.answers.map((a) => a.question) } : {}),
  });
  return { ...htmlResponse(status, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

const linkUnusable = (request: Request, tenant: Tenant, locale: Locale) =>
  htmlResponse(400, passwordMessagePage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, heading: 'link.unusable.title', message: 'link.unusable.reset', loginPath: `${loginPath(tenant)}/forgot`, status: 'problem' }));

/** GET /t/{tenant}/login/reset?token=…[&ui_locales=…]: the new-password form; following the link spends nothing (mail scanners follow links too). */
export async function showResetPassword(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const language = carriedLocale(request, request.query.get('ui_locales'));
  const token = request.query.get('token') ?? '';
  const live = linkTokenPattern.test(token) ? await request.deps.actionTokens.peek(tenant.id, hashToken(token), passwordPurposes, Date.now()) : undefined;
  if (!live) return linkUnusable(request, tenant, language.locale);
  return renderChoosePassword(request, tenant, language, token, live.purpose, 200, await questionsFor(request, tenant, live.userId, live.purpose));
}

/**
 * POST /t/{tenant}/login/reset: spends the link and sets the password, if it passes the policy
 * and the history; the account's sessions end and a lockout is lifted. An invitation's email
 * counts as verified, since the mail reached its owner.
 */
export async function submitResetPassword(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `reset:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const language = carriedLocale(request, form.get('ui_locales'));
  const token = form.get('token') ?? '';
  const password = (form.get('password') ?? '').slice(0, 1024);
  const now = Date.now();
  const hash = linkTokenPattern.test(token) ? hashToken(token) : undefined;
  const live = hash ? await request.deps.actionTokens.peek(tenant.id, hash, passwordPurposes, now) : undefined;
  const user = live ? await request.deps.users.getUser(tenant.id, live.userId) : undefined;
  if (!live || !user || user.status === 'disabled') return linkUnusable(request, tenant, language.locale);
  const questions = await questionsFor(request, tenant, user.id, live.purpose);
  if (questions) {
    const given = new Map(questions.answers.map((a, i) => [a.question, (form.get(`answer_${i}`) ?? '').slice(0, 200)]));
    if (!(await answersMatch(questions.answers, given))) {
      await request.deps.auditLog.record(loginEvent(request, tenant, 'password.reset', user.id, 'failure', { reason: 'wrong_security_answers' }));
      // A few tries per link; then the link is spent and a new one must be mailed.
      const attempt = await request.deps.rateLimiter.hit(`reset-answers#${tenant.id}#${hash}`, answerAttempts.hits, answerAttempts.windowSeconds, now);
      if (!attempt.allowed) {
        await request.deps.actionTokens.consume(tenant.id, hash!, passwordPurposes, now);
        return linkUnusable(request, tenant, language.locale);
      }
      return renderChoosePassword(request, tenant, language, token, live.purpose, 400, questions, [translator(language.locale)('newPassword.wrongAnswers')]);
    }
  }
  const problems = await newPasswordProblems(password, settingsOf(tenant).passwordPolicy, user, await request.deps.users.recentPasswords(tenant.id, user.id));
  if (problems.length) return renderChoosePassword(request, tenant, language, token, live.purpose, 400, questions, problems);
  // Spent only now: a refused password leaves the link usable for another try.
  if (!(await request.deps.actionTokens.consume(tenant.id, hash!, passwordPurposes, now))) return linkUnusable(request, tenant, language.locale);
  const verified = live.purpose === 'invitation' ? user.emails.map((e) => ({ ...e, verified: true })) : user.emails;
  const next = { ...user, emails: verified, status: user.status === 'locked' ? user.status : 'active' as const, updatedAt: new Date(now).toISOString(), version: user.version + 1 };
  const outcome = await request.deps.users.updateUser(next, user.version, { passwordHash: await hashSecret('password', password), clearLockout: true }, [
    loginEvent(request, tenant, live.purpose === 'invitation' ? 'password.set' : 'password.reset', user.id, 'success', { via: live.purpose }),
  ]);
  if (outcome !== 'done') return linkUnusable(request, tenant, language.locale);
  await endUserSessionsFrom(request, tenant, user.id, 'password_reset');
  return htmlResponse(200, passwordMessagePage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale: language.locale, heading: 'passwordSet.title', message: 'passwordSet.body', loginPath: loginPath(tenant) }));
}
