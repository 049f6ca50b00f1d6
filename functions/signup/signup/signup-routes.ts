import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { confirmSignup, requestSignup, type RequestContext, type SignupOutcome } from '../../../shared/domain/tenants/signup-service.ts';
import { fieldProblems, signupRequestSchema } from '../../../shared/domain/tenants/signup.ts';
import { isSecureOrigin } from '../../../shared/http/cookies.ts';
import { issueCsrf, verifyCsrf } from '../../../shared/http/csrf.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { formOf, jsonObjectOf } from '../../../shared/http/forms.ts';
import { throttle, type RateRule } from '../../../shared/http/rate-limit.ts';
import { wantsHtml, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, json } from '../../../shared/http/responses.ts';
import { negotiateLocale, translateKnown, translator } from '../../../shared/http/i18n.ts';
import { checkEmailPage, confirmedPage, confirmPage, signupPage } from '../views/signup-pages.ts';

type Request = HttpRequest<PlatformPorts>;

/** Signups per client address per hour, and confirmation attempts per address per hour. */
const signupLimit = { hits: 10, windowSeconds: 3600 };
const confirmLimit = { hits: 30, windowSeconds: 3600 };

const contextOf = (request: Request): RequestContext => ({
  clientIp: request.state.clientIp,
  userAgent: request.state.userAgent,
  correlationId: request.state.correlationId,
  now: Date.now(),
});

async function csrfOptions(request: Request) {
  return { key: await request.deps.platformSecrets.get('csrf'), path: '/', secure: isSecureOrigin(request.deps.publicUrl) };
}

const limit = (request: Request, name: string, rule: RateRule) => throttle(request, `${name}#${request.state.clientIp}`, rule, { endpoint: name });

const fields = ['organizationName', 'tenant', 'adminName', 'adminEmail', 'adminPassword'] as const;

function outcomeError(outcome: Exclude<SignupOutcome, { status: 'pending' }>): HttpError {
  if (outcome.status === 'taken') return new HttpError(409, 'tenant_taken', 'This tenant name is taken.', { details: { errors: { tenant: 'This tenant name is taken.' } } });
  return new HttpError(400, 'invalid_request', 'Some fields need attention.', { details: { errors: outcome.problems } });
}

/** The signup console speaks the browser's language. */
const localeOf = (request: Request) => negotiateLocale(undefined, request.headers['accept-language']);

/** The form; its field problems come in English (the schema's, the API's) and are said in the page's language. */
async function renderForm(request: Request, status: number, values: Record<string, string>, problems: Record<string, string>, notice?: string): Promise<HttpResponse> {
  const { token, cookie } = issueCsrf(request, 'signup', await csrfOptions(request));
  const locale = localeOf(request);
  const t = translator(locale);
  const said = Object.fromEntries(Object.entries(problems).map(([name, problem]) => [name, translateKnown(t, problem)]));
  const response = htmlResponse(status, signupPage({ nonce: request.state.nonce, csrf: token, locale, values, problems: said, ...(notice ? { notice } : {}) }));
  return cookie ? { ...response, cookies: [cookie] } : response;
}

/** GET /signup: the signup console. */
export const showSignup = (request: Request) => renderForm(request, 200, {}, {});

/** POST /signup: the form, re-rendered with its problems or answered with "check your email". */
export async function submitSignupForm(request: Request): Promise<HttpResponse> {
  const form = formOf(request);
  verifyCsrf(request, 'signup', form.get('csrf'), (await csrfOptions(request)).key);
  await limit(request, 'signup', signupLimit);
  const values = Object.fromEntries(fields.map((name) => [name, form.get(name) ?? '']));
  const parsed = signupRequestSchema.safeParse(values);
  if (!parsed.success) return renderForm(request, 400, values, fieldProblems(parsed.error));
  const outcome = await requestSignup(request.deps, parsed.data, contextOf(request));
  if (outcome.status !== 'pending') {
    const error = outcomeError(outcome);
    return renderForm(request, error.status, values, error.details.errors as Record<string, string>);
  }
  return htmlResponse(200, checkEmailPage(request.state.nonce, parsed.data.adminEmail, localeOf(request)));
}

/** POST /api/signup: the JSON twin; 202 {tenant, status: "pending"}. */
export async function submitSignupApi(request: Request): Promise<HttpResponse> {
  const body = jsonObjectOf(request);
  await limit(request, 'signup', signupLimit);
  const parsed = signupRequestSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', 'Some fields need attention.', { details: { errors: fieldProblems(parsed.error) } });
  const outcome = await requestSignup(request.deps, parsed.data, contextOf(request));
  if (outcome.status !== 'pending') throw outcomeError(outcome);
  return json(202, { tenant: parsed.data.tenant, status: 'pending' });
}

const linkUnusable = () => new HttpError(400, 'invalid_link', 'This confirmation link has expired or has already been used. Sign up again to get a new one.');

async function confirm(request: Request, token: string): Promise<HttpResponse> {
  await limit(request, 'signup-confirm', confirmLimit);
  const result = await confirmSignup(request.deps, token, contextOf(request));
  if (!result) throw linkUnusable();
  // The audit function may only open platform secrets, not create them: the pseudonym key its
  // digests and counters need exists from the first tenant on.
  await request.deps.platformSecrets.get('audit-pseudonym');
  return wantsHtml(request.headers) ? htmlResponse(200, confirmedPage(request.state.nonce, result, localeOf(request))) : json(200, result);
}

/**
 * GET /signup/confirm?token=…: programs asking for JSON confirm at once; browsers get a
 * button, so a mail scanner that opens the link cannot spend it for the person.
 */
export async function showConfirmation(request: Request): Promise<HttpResponse> {
  const token = request.query.get('token') ?? '';
  if (request.query.getAll('token').length !== 1 || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw linkUnusable();
  if (!wantsHtml(request.headers)) return confirm(request, token);
  const { token: csrf, cookie } = issueCsrf(request, 'signup-confirm', await csrfOptions(request));
  const response = htmlResponse(200, confirmPage(request.state.nonce, csrf, token, localeOf(request)));
  return cookie ? { ...response, cookies: [cookie] } : response;
}

/** POST /signup/confirm: the button on the confirmation page. */
export async function submitConfirmation(request: Request): Promise<HttpResponse> {
  const form = formOf(request);
  verifyCsrf(request, 'signup-confirm', form.get('csrf'), (await csrfOptions(request)).key);
  const token = form.get('token') ?? '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw badRequest('The confirmation link is malformed.', 'invalid_link');
  return confirm(request, token);
}
