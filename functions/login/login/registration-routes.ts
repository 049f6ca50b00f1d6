import { randomBytes } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { issuerOf, settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { passwordProblems } from '../../../shared/domain/users/password-policy.ts';
import { newUser } from '../../../shared/domain/users/user-changes.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { notFound } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse } from '../../../shared/http/responses.ts';
import { confirmEmailPage, passwordMessagePage, registrationPage } from '../views/password-pages.ts';
import { translateKnown, translator, type Locale } from '../../../shared/http/i18n.ts';
import { localizedLink } from '../../../shared/http/mail-wording.ts';
import type { AuthTransaction } from '../../../shared/domain/ports/session-store.ts';
import { carriedLocale, linkTokenPattern, loginEvent, loginPath, pageLocale } from './login-common.ts';
import { transactionOf } from './login-routes.ts';

type Request = HttpRequest<PlatformPorts>;

const verificationLifetimeMs = 24 * 3600_000;
const registrationsPerAddress = { hits: 5, windowSeconds: 600 };
const emailPattern = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>"]{2,}$/;


/** Self-registration is the tenant's choice; a tenant without it has no such page at all. */
function openTenant(request: Request): Tenant {
  const tenant = tenantOf(request);
  if (!settingsOf(tenant).selfRegistration) throw notFound();
  return tenant;
}


type Transaction = AuthTransaction | undefined;

/** The sign-in page to go back to: the one of the sign-in under way, if any. */
const signInPath = (tenant: Tenant, transaction: Transaction) => (transaction ? `${loginPath(tenant)}?tx=${transaction.id}` : loginPath(tenant));

/** The form, in the sign-in's language; problems come in English (the password policy's) and are said in it. */
async function renderForm(request: Request, tenant: Tenant, transaction: Transaction, status: number, values?: { givenName?: string; familyName?: string; email?: string }, errors?: readonly string[]): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, `register:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const locale = pageLocale(request, transaction);
  const t = translator(locale);
  const body = registrationPage({
    nonce: request.state.nonce, settings: settingsOf(tenant), locale, csrf: token, action: `${loginPath(tenant)}/register`, loginPath: signInPath(tenant, transaction),
    ...(transaction ? { transaction: transaction.id } : {}), ...(values ? { values } : {}), ...(errors ? { errors: errors.map((e) => translateKnown(t, e)) } : {}),
  });
  return { ...htmlResponse(status, body), ...(cookie ? { cookies: [cookie] } : {}) };
}

const checkYourEmail = (request: Request, tenant: Tenant, transaction: Transaction) =>
  htmlResponse(200, passwordMessagePage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale: pageLocale(request, transaction), heading: 'common.checkEmail', message: 'register.sent', loginPath: signInPath(tenant, transaction) }));

/** GET /t/{tenant}/login/register[?tx=…]: the sign-up form, where the tenant allows it. */
export async function showRegistration(request: Request): Promise<HttpResponse> {
  const tenant = openTenant(request);
  return renderForm(request, tenant, await transactionOf(request, tenant, request.query.get('tx')), 200);
}

/**
 * POST /t/{tenant}/login/register: a pending account and a verification link. An address that
 * already has an account gets the same answer on the page, and its owner a mail saying so:
 * the form tells nobody which addresses are taken.
 */
export async function submitRegistration(request: Request): Promise<HttpResponse> {
  const tenant = openTenant(request);
  const form = formOf(request);
  verifyCsrf(request, `register:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `register#${tenant.id}#${request.state.clientIp}`, registrationsPerAddress, { tenant: tenant.id, endpoint: 'register' });
  const transaction = await transactionOf(request, tenant, form.get('tx'));
  // The new account has no language yet: its mails speak the page's.
  const locale = pageLocale(request, transaction);
  const t = translator(locale);
  const values = { givenName: (form.get('givenName') ?? '').trim().slice(0, 100), familyName: (form.get('familyName') ?? '').trim().slice(0, 100), email: (form.get('email') ?? '').trim().slice(0, 254) };
  const password = (form.get('password') ?? '').slice(0, 1024);
  if (!emailPattern.test(values.email)) return renderForm(request, tenant, transaction, 400, values, [t('known.field.email')]);
  const problems = passwordProblems(password, settingsOf(tenant).passwordPolicy, { personal: [values.email, values.givenName, values.familyName] });
  if (problems.length) return renderForm(request, tenant, transaction, 400, values, problems);

  const user = { ...newUser(tenant.id, { emails: [{ value: values.email }], name: { ...(values.givenName ? { givenName: values.givenName } : {}), ...(values.familyName ? { familyName: values.familyName } : {}) } }, new Date()), status: 'pending' as const };
  const outcome = await request.deps.users.createUser(user, { passwordHash: await hashSecret('password', password) }, [loginEvent(request, tenant, 'user.registered', user.id, 'success', { email: values.email })]);
  const name = settingsOf(tenant).branding.displayName;
  if (outcome === 'taken') {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'user.registration_refused', undefined, 'failure', { reason: 'email_taken' }));
    const params = { org: name, link: `${issuerOf(request.deps.publicUrl, tenant)}/login` };
    await request.deps.mailer.send({ to: values.email, subject: t('mail.taken.subject', params), text: t('mail.taken.text', params) });
    return checkYourEmail(request, tenant, transaction);
  }
  const token = randomBytes(32).toString('base64url');
  await request.deps.actionTokens.issue(hashToken(token), { tenant: tenant.id, userId: user.id, purpose: 'email-verification', expiresAt: Date.now() + verificationLifetimeMs });
  const params = { org: name, link: localizedLink(`${issuerOf(request.deps.publicUrl, tenant)}/login/verify?token=${token}`, locale) };
  await request.deps.mailer.send({ to: values.email, subject: t('mail.registered.subject', params), text: t('mail.registered.text', params) });
  return checkYourEmail(request, tenant, transaction);
}

const linkUnusable = (request: Request, tenant: Tenant, locale: Locale) =>
  htmlResponse(400, passwordMessagePage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, heading: 'link.unusable.title', message: 'link.unusable.verify', loginPath: loginPath(tenant), status: 'problem' }));

/** GET /t/{tenant}/login/verify?token=…[&ui_locales=…]: a button to confirm (following a link must not be enough: mail scanners follow links). */
export async function showEmailVerification(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const language = carriedLocale(request, request.query.get('ui_locales'));
  const token = request.query.get('token') ?? '';
  const live = linkTokenPattern.test(token) ? await request.deps.actionTokens.peek(tenant.id, hashToken(token), ['email-verification'], Date.now()) : undefined;
  if (!live) return linkUnusable(request, tenant, language.locale);
  const { token: csrf, cookie } = issueCsrf(request, `verify:${tenant.id}`, await tenantCsrfOptions(request.deps, tenant));
  const page = confirmEmailPage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale: language.locale, ...(language.uiLocales ? { uiLocales: language.uiLocales } : {}), csrf, action: `${loginPath(tenant)}/verify`, token });
  return { ...htmlResponse(200, page), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/login/verify: spends the link; the account becomes active with a verified email. */
export async function confirmEmailVerification(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `verify:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  const { locale } = carriedLocale(request, form.get('ui_locales'));
  const token = form.get('token') ?? '';
  const spent = linkTokenPattern.test(token) ? await request.deps.actionTokens.consume(tenant.id, hashToken(token), ['email-verification'], Date.now()) : undefined;
  const user = spent ? await request.deps.users.getUser(tenant.id, spent.userId) : undefined;
  if (!spent || !user) return linkUnusable(request, tenant, locale);
  const next = { ...user, status: user.status === 'pending' ? ('active' as const) : user.status, emails: user.emails.map((e) => ({ ...e, verified: true })), updatedAt: new Date().toISOString(), version: user.version + 1 };
  const outcome = await request.deps.users.updateUser(next, user.version, {}, [loginEvent(request, tenant, 'user.email_verified', user.id, 'success', { activated: user.status === 'pending' })]);
  if (outcome !== 'done') return linkUnusable(request, tenant, locale);
  return htmlResponse(200, passwordMessagePage({ nonce: request.state.nonce, settings: settingsOf(tenant), locale, heading: 'verify.done.title', message: 'verify.done.body', loginPath: loginPath(tenant) }));
}
