import { randomBytes } from 'node:crypto';
import { consentState, recordConsent, type ConsentApplication, type ConsentState } from '../../../shared/domain/consent/application-consent.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import type { SamlLoginRequest } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { claimOf } from '../../../shared/domain/saml/assertion-content.ts';
import { statusCodes } from '../../../shared/domain/saml/saml-names.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import { issuerOf, settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import { consentDecisionOf, consentForm, tickedPurposes } from '../../../shared/http/views/consent-purposes.ts';
import { negotiateLocale, translator } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';
import type { SamlDeps } from '../deps.ts';
import { loginResponse, statusResponse, type ResponseTarget } from './login-response.ts';
import { pendingLogin, targetOf } from './pending-login.ts';

/**
 * Consent before a SAML assertion (the same purposes, page and receipts as OIDC): a service
 * provider whose flow names consent purposes gets an assertion only after the user answered
 * them at their current versions; declined purposes keep their attributes out of it.
 */

type Request = HttpRequest<SamlDeps>;

export const applicationOfSp = (sp: ServiceProvider): ConsentApplication => ({ id: sp.id, name: sp.name ?? sp.entityId, firstParty: false });

/** Whether the user must be asked now: purposes not answered at their versions, or a consent withdrawn. */
const mustAsk = (state: ConsentState) => state.toAsk.length > 0 || state.previous?.withdrawnAt !== undefined;

async function record(req: Request, tenant: Tenant, sp: ServiceProvider, user: User, state: ConsentState, method: 'prompt' | 'first_party', ticked: ReadonlySet<string>) {
  return recordConsent(req.deps, state, {
    tenant: tenant.id,
    issuer: issuerOf(req.deps.publicUrl, tenant),
    settings: settingsOf(tenant),
    userId: user.id,
    language: user.locale ?? 'en',
    application: applicationOfSp(sp),
    items: sp.attributes.map((a) => `attribute:${a.name}`),
    releasedClaims: sp.attributes.map((a) => claimOf(a.source) ?? 'sub'),
    ticked,
    everything: method === 'first_party',
    method,
    at: new Date(),
    event: (details) => createAuditEvent({
      tenant: tenant.id, type: 'consent.given', actor: { kind: 'user', id: user.id }, subject: user.id,
      clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'success',
      details: { clientId: sp.id, entityId: sp.entityId, how: method, ...details },
    }),
  });
}

/**
 * The assertion, once consent allows it: straight away when nothing is to be asked (or the flow
 * records consent without a prompt), else the consent page, for which the exchange is kept open.
 */
export async function answerWithConsent(req: Request, tenant: Tenant, target: ResponseTarget, session: SsoSession, user: User, request: SamlLoginRequest, exchange: { id?: string; isPassive: boolean; open: (id: string) => Promise<void> }): Promise<HttpResponse> {
  const { sp } = target;
  const state = await consentState(req.deps, tenant.id, user.id, applicationOfSp(sp));
  let consent = state.previous;
  if ((state.needed.length || state.previous?.withdrawnAt) && mustAsk(state)) {
    if (state.skipPrompt) consent = await record(req, tenant, sp, user, state, 'first_party', new Set());
    else {
      if (exchange.isPassive) return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.noPassive, 'The user must be asked for consent, and the request was passive');
      const id = exchange.id ?? randomBytes(24).toString('base64url');
      if (!exchange.id) await exchange.open(id);
      return seeOther(`/t/${tenant.slug}/saml2/consent?tx=${id}`);
    }
  }
  if (exchange.id) await req.deps.samlExchanges.closeLogin(tenant.id, exchange.id);
  return loginResponse(req, tenant, target, session, user, request, consent);
}

/** The pending exchange, its SP and the user's live session; anything missing stops with a clear page. */
async function pending(req: Request, tenant: Tenant, id: string | null) {
  const now = Date.now();
  const { request, sp } = await pendingLogin(req, tenant, id, now);
  const session = await currentSession(req, tenant, req.deps.sessions, settingsOf(tenant), now);
  const user = session ? await req.deps.users.getUser(tenant.id, session.userId) : undefined;
  if (!session || !user || user.status !== 'active') throw new HttpError(401, 'login_required', 'Sign in again from the application.');
  return { id: id!, request, sp, session, user };
}

/** GET /t/{tenant}/saml2/consent?tx=…: what the service provider will receive and why, Allow / Deny. */
export async function showSamlConsent(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const { id, request, sp, user } = await pending(req, tenant, req.query.get('tx'));
  const state = await consentState(req.deps, tenant.id, user.id, applicationOfSp(sp));
  const { token, cookie } = issueCsrf(req, `consent:${tenant.id}`, await tenantCsrfOptions(req.deps, tenant));
  const settings = settingsOf(tenant);
  const name = applicationOfSp(sp).name;
  // A SAML request names no language: the browser's, as on the sign-in pages before this one.
  const locale = negotiateLocale(undefined, req.headers['accept-language']);
  const t = translator(locale);
  const body = page({
    title: t('consent.title', { app: name }),
    nonce: req.state.nonce,
    lang: locale,
    accent: settings.branding.primaryColor,
    body: html`<h1>${t('consent.samlHeading', { app: name, org: settings.branding.displayName })}</h1>
<p>${t('consent.samlReceives', { attributes: sp.attributes.length ? sp.attributes.map((a) => a.friendlyName ?? a.name).join(', ') : t('consent.samlIdentifier') })}</p>
${consentForm({ action: `/t/${tenant.slug}/saml2/consent`, csrf: token, transaction: id, applicationName: name, state, locale })}`,
  });
  return { ...htmlResponse(200, body, formsMayReach(req.state.nonce, request.acsUrl)), ...(cookie ? { cookies: [cookie] } : {}) };
}

/** POST /t/{tenant}/saml2/consent: allowing records the consent (with its receipt) and posts the assertion; denying answers RequestDenied. */
export async function submitSamlConsent(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const form = formOf(req);
  verifyCsrf(req, `consent:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(req.deps, tenant)).key);
  const { id, request, sp, session, user } = await pending(req, tenant, form.get('tx'));
  const decision = consentDecisionOf(form);
  await req.deps.samlExchanges.closeLogin(tenant.id, id);
  const target = targetOf(sp, request);
  if (decision === 'deny') {
    await req.deps.auditLog.record(createAuditEvent({ tenant: tenant.id, type: 'consent.denied', actor: { kind: 'user', id: user.id }, subject: user.id, clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'denied', details: { clientId: sp.id, entityId: sp.entityId, how: 'prompt' } }));
    return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.requestDenied, 'The user did not consent');
  }
  const state = await consentState(req.deps, tenant.id, user.id, applicationOfSp(sp));
  const consent = await record(req, tenant, sp, user, state, 'prompt', tickedPurposes(state, form));
  return loginResponse(req, tenant, target, session, user, request, consent);
}
