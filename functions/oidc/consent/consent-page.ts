import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import { RedirectableError } from '../authorize/authorization-error.ts';
import { applicationOf, consentEvent, issueCode, recordOidcConsent, redirectError } from '../authorize/authorize-endpoint.ts';
import { consentState } from '../../../shared/domain/consent/application-consent.ts';
import { consentDecisionOf, consentForm, tickedPurposes } from '../../../shared/http/views/consent-purposes.ts';
import type { OidcDeps } from '../deps.ts';
import { consentItemsOf } from '../../../shared/domain/oauth/claims-request.ts';
import { isMessageKey, negotiateLocale, translator, type Translate } from '../../../shared/http/i18n.ts';

type Request = HttpRequest<OidcDeps>;

/**
 * What each scope shares (`consent.scope.*`), and each claim asked for one by one with the
 * `claims` parameter (`consent.claim.*`), in words a person can judge; others by their name.
 */
function describe(t: Translate, item: string): string {
  const [key, name] = item.startsWith('claim:') ? [`consent.claim.${item.slice(6)}`, item.slice(6)] : [`consent.scope.${item}`, item];
  return isMessageKey(key) ? t(key) : name;
}

/** The transaction, its client and the user's live session; anything missing sends the user back to sign in or stops. */
async function pending(req: Request, tenant: Tenant, id: string | null) {
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw badRequest('This consent request is malformed.');
  const now = Date.now();
  const transaction = await req.deps.grants.transactionRequest(tenant.id, id, now);
  if (!transaction) throw new HttpError(400, 'expired_request', 'This request has expired. Go back to the application and start again.');
  const client = await req.deps.clients.get(tenant.id, transaction.request.clientId);
  if (!client) throw badRequest('The application is no longer registered.');
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  return { id, request: transaction.request, client, session, now };
}


/** GET /t/{tenant}/oauth2/consent?tx=…: what the application asks for, and Allow / Deny. */
export async function showConsent(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const { id, request, client, session } = await pending(req, tenant, req.query.get('tx'));
  if (!session) return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
  const { token, cookie } = issueCsrf(req, `consent:${tenant.id}`, await tenantCsrfOptions(req.deps, tenant));
  const settings = settingsOf(tenant);
  const state = await consentState(req.deps, tenant.id, session.userId, applicationOf(client));
  // The same language as the sign-in's pages: the application's ui_locales, else the browser's.
  const locale = negotiateLocale(request.uiLocales, req.headers['accept-language']);
  const t = translator(locale);
  const body = page({
    title: t('consent.title', { app: client.name }),
    nonce: req.state.nonce,
    lang: locale,
    accent: settings.branding.primaryColor,
    body: html`<h1>${t('consent.heading', { app: client.name, org: settings.branding.displayName })}</h1>
<ul id="scopes">${consentItemsOf(request).map((item) => html`<li>${describe(t, item)}</li>`)}</ul>
${consentForm({ action: `/t/${tenant.slug}/oauth2/consent`, csrf: token, transaction: id, applicationName: client.name, state, locale })}`,
  });
  return { ...htmlResponse(200, body, formsMayReach(req.state.nonce, request.redirectUri)), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/oauth2/consent: the decision; allowing records the consent and answers the client with a code. */
export async function submitConsent(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const form = formOf(req);
  verifyCsrf(req, `consent:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(req.deps, tenant)).key);
  const { id, request, client, session, now } = await pending(req, tenant, form.get('tx'));
  if (!session) return seeOther(`/t/${tenant.slug}/login?tx=${id}`);
  const decision = consentDecisionOf(form);
  await req.deps.grants.closeTransaction(tenant.id, id);
  if (decision === 'deny') {
    await req.deps.auditLog.record(consentEvent(req, tenant, session, client, request, 'prompt', 'consent.denied'));
    return redirectError(req, tenant, new RedirectableError('access_denied', 'The user denied the request', request));
  }
  const state = await consentState(req.deps, tenant.id, session.userId, applicationOf(client));
  await recordOidcConsent(req, tenant, session, client, request, state, { method: 'prompt', ticked: tickedPurposes(state, form), now });
  return issueCode(req, tenant, client, request, session, now);
}
