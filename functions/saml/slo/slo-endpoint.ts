import { randomBytes } from 'node:crypto';
import type { LogoutExchange, LogoutLeg } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { SessionParticipant } from '../../../shared/domain/ports/session-participants.ts';
import { readLogoutRequest, readLogoutResponse, SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { statusCodes } from '../../../shared/domain/saml/saml-names.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { autoPostResponse } from '../../../shared/http/auto-post.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { endSessionFrom } from '../../../shared/http/session-ending.ts';
import { clearSsoCookie } from '../../../shared/http/sso-cookie.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import type { SamlDeps } from '../deps.ts';
import { receiveMessage, type Binding } from '../inbound/receive-message.ts';
import { idpEndpoints, identityProvider, serviceProviderEntity } from '../saml-entities.ts';
import { refusal, refusingBadMessages } from '../saml-errors.ts';
import { logoutRequestXml, statusResponseXml } from '../sso/response-xml.ts';

type Request = HttpRequest<SamlDeps>;

/** A front-channel logout waits this long for the participants' answers. */
const exchangeLifetimeMs = 5 * 60_000;

const bindingOf = (sp: ServiceProvider): Binding => (sp.singleLogoutService?.binding.endsWith('HTTP-POST') ? 'post' : 'redirect');

/** Sends a message to an SP's SLO endpoint by its binding: a signed redirect, or a signed auto-posted form. */
function deliver(req: Request, binding: Binding, built: { context: string; entityEndpoint?: string; relayState?: string }, parameter: 'SAMLRequest' | 'SAMLResponse', relayState: string | undefined, url: string): HttpResponse {
  if (binding === 'redirect') return seeOther(built.context);
  return autoPostResponse(url, { [parameter]: built.context, ...(relayState !== undefined ? { RelayState: relayState } : {}) }, req.state.nonce);
}

/** Which session a LogoutRequest is about: a participant whose SessionIndex and NameID both match what the SP was told. */
async function matchingParticipant(req: Request, tenant: Tenant, sp: ServiceProvider, nameId: string, sessionIndexes: readonly string[]): Promise<SessionParticipant | undefined> {
  for (const sid of sessionIndexes.slice(0, 8)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(sid)) continue;
    const participants = await req.deps.participants.list(tenant.id, sid);
    const match = participants.find((p) => p.saml?.spId === sp.id && p.saml.nameId === nameId);
    if (match) return match;
  }
  return undefined;
}

/**
 * SP-initiated Single Logout: the LogoutRequest passes every check, its NameID and SessionIndex
 * must name a live session this SP joined; the session ends at once (the user asked to leave, and
 * a participant that never answers must not keep them signed in), OIDC clients hear by
 * back-channel, and the other SAML participants are visited one by one by the front channel.
 */
async function logoutRequestFromSp(req: Request, tenant: Tenant, binding: Binding): Promise<HttpResponse> {
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const received = await refusingBadMessages(() =>
    receiveMessage(req, tenant, { binding, parameter: 'SAMLRequest', kinds: ['LogoutRequest'], destination: idpEndpoints(issuer).slo, signatureRequired: (sp) => sp.requireSignedLogoutMessages }),
  );
  const { sp, message } = received;
  const fields = await refusingBadMessages(async () => readLogoutRequest(message));
  if (!sp.singleLogoutService) throw badRequest('This service provider has no Single Logout service registered.');
  const now = Date.now();
  if (fields.notOnOrAfter !== undefined && !(Date.parse(fields.notOnOrAfter) > now)) throw refusal('the LogoutRequest has expired');
  const initiator = { spId: sp.id, requestId: message.id, binding: bindingOf(sp), ...(received.relayState !== undefined ? { relayState: received.relayState } : {}) };
  const participant = await matchingParticipant(req, tenant, sp, fields.nameId, fields.sessionIndexes);
  const session = participant?.sessionIdHash ? await req.deps.sessions.find(tenant.id, participant.sessionIdHash) : undefined;
  if (!participant || !session) {
    return finishLogout(req, tenant, { tenant: tenant.id, id: '', initiator, legs: [], backchannelFailures: 0, expiresAt: now }, statusCodes.responder, statusCodes.unknownPrincipal);
  }
  const others = (await req.deps.participants.list(tenant.id, participant.sid)).filter((p) => p.saml && p.saml.spId !== sp.id);
  const legs: LogoutLeg[] = others.map((p) => ({ spId: p.saml!.spId, nameId: p.saml!.nameId, nameIdFormat: p.saml!.nameIdFormat, sessionIndex: p.saml!.sessionIndex }));
  const ended = await endSessionFrom(req, tenant, session, 'saml_single_logout');
  const exchange: LogoutExchange = { tenant: tenant.id, id: randomBytes(24).toString('base64url'), initiator, legs, backchannelFailures: ended.failed, expiresAt: now + exchangeLifetimeMs };
  const response = await nextLeg(req, tenant, exchange);
  return { ...response, cookies: [clearSsoCookie(tenant, req.deps.publicUrl)] };
}

/** Visits the next participant with a signed LogoutRequest, or answers the initiator when none is left. */
async function nextLeg(req: Request, tenant: Tenant, exchange: LogoutExchange): Promise<HttpResponse> {
  const index = exchange.legs.findIndex((leg) => leg.requestId === undefined);
  if (index < 0) {
    const failed = exchange.backchannelFailures > 0 || exchange.legs.some((leg) => leg.outcome !== 'success');
    return finishLogout(req, tenant, exchange, statusCodes.success, failed ? statusCodes.partialLogout : undefined);
  }
  const leg = exchange.legs[index]!;
  const sp = await req.deps.serviceProviders.get(tenant.id, leg.spId);
  if (!sp?.singleLogoutService) {
    const legs = exchange.legs.map((l, i) => (i === index ? { ...l, requestId: '-', outcome: 'failure' as const } : l));
    return nextLeg(req, tenant, { ...exchange, legs });
  }
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const { id, xml } = logoutRequestXml({
    issuer, destination: sp.singleLogoutService.url, nameId: { format: leg.nameIdFormat, value: leg.nameId }, sessionIndex: leg.sessionIndex, now: Date.now(),
    ...(leg.nameIdFormat.endsWith(':persistent') || leg.nameIdFormat.endsWith(':transient') ? { spNameQualifier: sp.entityId } : {}),
  });
  await req.deps.samlExchanges.saveLogout({ ...exchange, legs: exchange.legs.map((l, i) => (i === index ? { ...l, requestId: id } : l)) });
  const idp = identityProvider({ issuer, key: await req.deps.keys.samlSigningKey(tenant.id) });
  const binding = bindingOf(sp);
  const built = idp.createLogoutRequest(serviceProviderEntity(sp), binding, {}, { relayState: exchange.id, customTagReplacement: () => ({ id, context: xml }) });
  return deliver(req, binding, built, 'SAMLRequest', exchange.id, sp.singleLogoutService.url);
}

/** The end of a logout: a signed LogoutResponse to the SP that asked, or a page when the IdP started it. */
async function finishLogout(req: Request, tenant: Tenant, exchange: LogoutExchange, status: string, subStatus: string | undefined): Promise<HttpResponse> {
  if (exchange.id) await req.deps.samlExchanges.closeLogout(tenant.id, exchange.id);
  const initiator = exchange.initiator;
  const sp = initiator ? await req.deps.serviceProviders.get(tenant.id, initiator.spId) : undefined;
  if (!initiator || !sp?.singleLogoutService) {
    const body = page({ title: 'Signed out', nonce: req.state.nonce, accent: settingsOf(tenant).branding.primaryColor, body: html`<h1>You are signed out</h1>${subStatus === statusCodes.partialLogout ? html`<p>Some applications could not be signed out. Close your browser to finish.</p>` : ''}` });
    return htmlResponse(200, body);
  }
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const { id, xml } = statusResponseXml('LogoutResponse', { issuer, destination: sp.singleLogoutService.url, inResponseTo: initiator.requestId, status, ...(subStatus ? { subStatus } : {}), now: Date.now() });
  const idp = identityProvider({ issuer, key: await req.deps.keys.samlSigningKey(tenant.id) });
  const built = idp.createLogoutResponse(serviceProviderEntity(sp), { extract: { request: { id: initiator.requestId } } }, initiator.binding, { ...(initiator.relayState !== undefined ? { relayState: initiator.relayState } : {}), customTagReplacement: () => ({ id, context: xml }) });
  return deliver(req, initiator.binding, built, 'SAMLResponse', initiator.relayState, sp.singleLogoutService.url);
}

/** A participant's LogoutResponse: any problem with it (refused, wrong request, failed status) counts as that participant failing. */
async function logoutResponseFromSp(req: Request, tenant: Tenant, binding: Binding): Promise<HttpResponse> {
  const params = binding === 'post' && req.state.body.kind === 'form' ? req.state.body.value : req.query;
  const exchangeId = params.get('RelayState') ?? '';
  const exchange = /^[A-Za-z0-9_-]{32}$/.test(exchangeId) ? await req.deps.samlExchanges.findLogout(tenant.id, exchangeId, Date.now()) : undefined;
  if (!exchange) throw new HttpError(400, 'expired_request', 'This logout is not in progress (it finished or expired).');
  const index = exchange.legs.findIndex((leg) => leg.requestId !== undefined && leg.outcome === undefined);
  if (index < 0) throw badRequest('No answer is expected for this logout.');
  const leg = exchange.legs[index]!;
  let outcome: 'success' | 'failure' = 'failure';
  try {
    const issuer = issuerOf(req.deps.publicUrl, tenant);
    const received = await receiveMessage(req, tenant, { binding, parameter: 'SAMLResponse', kinds: ['LogoutResponse'], destination: idpEndpoints(issuer).slo, signatureRequired: (sp) => sp.requireSignedLogoutMessages });
    const answer = readLogoutResponse(received.message);
    if (received.sp.id === leg.spId && answer.inResponseTo === leg.requestId && answer.status === statusCodes.success) outcome = 'success';
  } catch (error) {
    if (!(error instanceof SamlMessageRejected)) throw error;
  }
  return nextLeg(req, tenant, { ...exchange, legs: exchange.legs.map((l, i) => (i === index ? { ...l, outcome } : l)) });
}

/** GET|POST /t/{tenant}/saml2/slo: LogoutRequests from SPs, and participants' LogoutResponses. */
export async function sloEndpoint(req: Request): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const binding: Binding = req.method === 'POST' ? 'post' : 'redirect';
  const params = binding === 'post' ? (req.state.body.kind === 'form' ? req.state.body.value : new URLSearchParams()) : req.query;
  if (params.has('SAMLRequest')) return logoutRequestFromSp(req, tenant, binding);
  if (params.has('SAMLResponse')) return logoutResponseFromSp(req, tenant, binding);
  throw badRequest('Send a SAMLRequest or a SAMLResponse.');
}
