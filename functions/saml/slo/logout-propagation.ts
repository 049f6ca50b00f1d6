import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import type { LogoutExchange } from '../../../shared/domain/ports/saml-exchanges.ts';
import { logoutOutcome } from '../../../shared/domain/saml/logout-exchange.ts';
import { statusCodes } from '../../../shared/domain/saml/saml-names.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import { issuerOf, settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { autoPostResponse } from '../../../shared/http/auto-post.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { framedBySelf, framesMayShow } from '../../../shared/http/middleware/security-headers.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';
import type { SamlDeps } from '../deps.ts';
import type { Binding } from '../inbound/receive-message.ts';
import { identityProvider, serviceProviderEntity } from '../saml-entities.ts';
import { logoutRequestXml, statusResponseXml } from '../../../shared/domain/saml/outbound-xml.ts';

/**
 * Front-channel Single Logout, the way Shibboleth's IdP propagates it: one page of ours holds a
 * frame per SAML participant; each frame carries a signed LogoutRequest to its SP and comes back
 * with the SP's LogoutResponse, which reports to the page. When every participant has answered,
 * or after `answerWaitMs`, the page moves on to /finish, where a participant that never answered
 * counts as failed (PartialLogout). A sequential redirect chain could not do that: an SP that
 * never sends the browser back would strand the user there and the initiator would never hear.
 */
type Request = HttpRequest<SamlDeps>;

const answerWaitMs = 8_000;
const exchangeIdPattern = /^[A-Za-z0-9_-]{32}$/;

export const bindingOf = (sp: ServiceProvider): Binding => (sp.singleLogoutService?.binding.endsWith('HTTP-POST') ? 'post' : 'redirect');

const logoutPaths = (tenant: Tenant, exchangeId: string) => {
  const base = `/t/${tenant.slug}/saml2/slo`;
  return { leg: (leg: number) => `${base}/leg?logout=${exchangeId}&leg=${leg}`, finish: `${base}/finish?logout=${exchangeId}` };
};

const expired = () => new HttpError(400, 'expired_request', 'This sign-out is not in progress (it finished or expired).');

async function openExchange(req: Request, tenant: Tenant): Promise<LogoutExchange> {
  const id = req.query.get('logout') ?? '';
  const exchange = exchangeIdPattern.test(id) ? await req.deps.samlExchanges.findLogout(tenant.id, id, Date.now()) : undefined;
  if (!exchange) throw expired();
  return exchange;
}

/** Sends a signed message to an SP by its binding: a redirect, or an auto-posted form (`framed` inside our logout page). */
export function deliver(req: Request, binding: Binding, built: { context: string }, parameter: 'SAMLRequest' | 'SAMLResponse', relayState: string | undefined, url: string, framed = false): HttpResponse {
  if (binding === 'redirect') return seeOther(built.context);
  return autoPostResponse(url, { [parameter]: built.context, ...(relayState !== undefined ? { RelayState: relayState } : {}) }, req.state.nonce, { framed });
}

/** GET /t/{tenant}/saml2/slo/propagate?logout=…: the page that signs the browser out of every SAML participant at once. */
export async function propagationPage(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const exchange = await openExchange(req, tenant);
  const paths = logoutPaths(tenant, exchange.id);
  const sps = await Promise.all(exchange.legs.map((leg) => req.deps.serviceProviders.get(tenant.id, leg.spId)));
  const body = page({
    title: 'Signing you out',
    nonce: req.state.nonce,
    accent: settingsOf(tenant).branding.primaryColor,
    body: html`<h1>Signing you out</h1>
<p class="muted">Signing you out of the applications you used in this session.</p>
<ul id="slo" data-logout="${exchange.id}" data-legs="${String(exchange.legs.length)}" data-finish="${paths.finish}" data-wait="${String(answerWaitMs)}">
${sps.map((sp, i) => html`<li data-leg="${String(i)}">${sp?.name ?? 'An application'}: <span>signing out…</span></li>`)}
</ul>
<div hidden>${sps.map((sp, i) => html`<iframe src="${paths.leg(i)}" title="Sign out of ${sp?.name ?? 'an application'}"></iframe>`)}</div>
<noscript><p><a href="${paths.finish}">Continue</a></p></noscript>
<script nonce="${req.state.nonce}">
const list = document.getElementById('slo');
const answered = new Set();
let leaving = false;
const leave = () => { if (!leaving) { leaving = true; location.replace(list.dataset.finish); } };
addEventListener('message', (event) => {
  if (event.origin !== location.origin || !event.data || event.data.logout !== list.dataset.logout) return;
  const leg = Number(event.data.leg);
  answered.add(leg);
  const status = list.querySelector('[data-leg="' + leg + '"] span');
  if (status) status.textContent = event.data.outcome === 'success' ? 'signed out' : 'could not sign out';
  if (answered.size >= Number(list.dataset.legs)) setTimeout(leave, 200);
});
setTimeout(leave, Number(list.dataset.wait));
</script>`,
  });
  return htmlResponse(200, body, framesMayShow(req.state.nonce, sps.map((sp) => sp?.singleLogoutService?.url)));
}

/** What a frame shows once its participant is done: it tells the logout page (same origin only). */
export function legDonePage(req: Request, tenant: Tenant, report: { exchangeId: string; leg: number; outcome: 'success' | 'failure' } | undefined): HttpResponse {
  const body = page({
    title: 'Signed out',
    nonce: req.state.nonce,
    accent: settingsOf(tenant).branding.primaryColor,
    body: html`<p id="leg"${report ? html` data-logout="${report.exchangeId}" data-leg="${String(report.leg)}" data-outcome="${report.outcome}"` : ''}>${report?.outcome === 'success' ? 'Signed out.' : 'This application did not confirm the sign-out.'}</p>
<script nonce="${req.state.nonce}">
const leg = document.getElementById('leg').dataset;
if (leg.logout && window.parent !== window) window.parent.postMessage({ logout: leg.logout, leg: Number(leg.leg), outcome: leg.outcome }, location.origin);
</script>`,
  });
  return htmlResponse(200, body, framedBySelf(req.state.nonce));
}

/** GET /t/{tenant}/saml2/slo/leg?logout=…&leg=N (inside a frame): a signed LogoutRequest to one participant. */
export async function sendLogoutLeg(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const exchange = await openExchange(req, tenant);
  const index = Number(req.query.get('leg'));
  const leg = Number.isInteger(index) ? exchange.legs[index] : undefined;
  if (!leg) throw expired();
  const sp = await req.deps.serviceProviders.get(tenant.id, leg.spId);
  if (!sp?.singleLogoutService) {
    // Deleted since it joined, or its SLO service removed: it cannot be told.
    if (await req.deps.samlExchanges.markLegSent(tenant.id, exchange.id, index, leg.spId, '-')) await req.deps.samlExchanges.recordLegOutcome(tenant.id, exchange.id, index, '-', 'failure');
    return legDonePage(req, tenant, { exchangeId: exchange.id, leg: index, outcome: 'failure' });
  }
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const { id, xml } = logoutRequestXml({
    issuer, destination: sp.singleLogoutService.url, nameId: { format: leg.nameIdFormat, value: leg.nameId }, sessionIndex: leg.sessionIndex, now: Date.now(),
    ...(leg.nameIdFormat.endsWith(':persistent') || leg.nameIdFormat.endsWith(':transient') ? { spNameQualifier: sp.entityId } : {}),
  });
  if (!(await req.deps.samlExchanges.markLegSent(tenant.id, exchange.id, index, leg.spId, id))) return legDonePage(req, tenant, undefined);
  const idp = identityProvider({ issuer, key: await req.deps.keys.samlSigningKey(tenant.id) });
  const binding = bindingOf(sp);
  const built = idp.createLogoutRequest(serviceProviderEntity(sp), binding, {}, { relayState: exchange.id, customTagReplacement: () => ({ id, context: xml }) });
  return deliver(req, binding, built, 'SAMLRequest', exchange.id, sp.singleLogoutService.url, true);
}

/** GET /t/{tenant}/saml2/slo/finish?logout=…: the exchange ends once; the initiator hears how it went. */
export async function finishLogout(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const id = req.query.get('logout') ?? '';
  const exchange = exchangeIdPattern.test(id) ? await req.deps.samlExchanges.closeLogout(tenant.id, id, Date.now()) : undefined;
  if (!exchange) throw expired();
  return answerInitiator(req, tenant, exchange);
}

/** The end of a logout: audited, then a signed LogoutResponse to the SP that asked, or the IdP's own way back. */
export async function answerInitiator(req: Request, tenant: Tenant, exchange: LogoutExchange, status: string = statusCodes.success, failedStatus?: string): Promise<HttpResponse> {
  const outcome = logoutOutcome(exchange);
  const subStatus = failedStatus ?? (outcome.partial ? statusCodes.partialLogout : undefined);
  const initiator = exchange.initiator;
  await req.deps.auditLog.record(
    createAuditEvent({
      tenant: tenant.id, type: 'saml.logout', actor: exchange.userId ? { kind: 'user', id: exchange.userId } : { kind: 'anonymous' }, ...(exchange.userId ? { subject: exchange.userId } : {}),
      clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId,
      outcome: status === statusCodes.success && !subStatus ? 'success' : 'failure',
      details: { initiator: initiator.kind === 'sp' ? { spId: initiator.spId } : { idp: true }, participants: outcome.legs, backchannelFailures: exchange.backchannelFailures, ...(subStatus ? { status: subStatus } : {}) },
    }),
  );
  const sp = initiator.kind === 'sp' ? await req.deps.serviceProviders.get(tenant.id, initiator.spId) : undefined;
  if (initiator.kind === 'sp' && sp?.singleLogoutService) {
    const issuer = issuerOf(req.deps.publicUrl, tenant);
    const { id, xml } = statusResponseXml('LogoutResponse', { issuer, destination: sp.singleLogoutService.url, inResponseTo: initiator.requestId, status, ...(subStatus ? { subStatus } : {}), now: Date.now() });
    const idp = identityProvider({ issuer, key: await req.deps.keys.samlSigningKey(tenant.id) });
    const built = idp.createLogoutResponse(serviceProviderEntity(sp), { extract: { request: { id: initiator.requestId } } }, initiator.binding, { ...(initiator.relayState !== undefined ? { relayState: initiator.relayState } : {}), customTagReplacement: () => ({ id, context: xml }) });
    return deliver(req, initiator.binding, built, 'SAMLResponse', initiator.relayState, sp.singleLogoutService.url);
  }
  if (initiator.kind === 'idp' && initiator.returnTo) return seeOther(initiator.returnTo);
  const body = page({
    title: 'Signed out',
    nonce: req.state.nonce,
    accent: settingsOf(tenant).branding.primaryColor,
    body: html`<h1>You are signed out</h1>${outcome.partial ? html`<p class="notice">Some applications could not confirm that they signed you out. Close your browser to finish.</p>` : ''}<p><a href="/t/${tenant.slug}/login">Sign in again</a></p>`,
  });
  return htmlResponse(200, body);
}
