import type { LogoutExchange } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { SessionParticipant } from '../../../shared/domain/ports/session-participants.ts';
import { readLogoutRequest, readLogoutResponse, SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { statusCodes } from '../../../shared/domain/saml/saml-names.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { seeOther } from '../../../shared/http/responses.ts';
import { startSamlLogout } from '../../../shared/http/saml-logout.ts';
import { upstreamLogoutHandoff } from '../../../shared/http/upstream-logout-handoff.ts';
import { endSessionFrom } from '../../../shared/http/session-ending.ts';
import { clearSsoCookie } from '../../../shared/http/sso-cookie.ts';
import type { SamlDeps } from '../deps.ts';
import { receiveMessage, type Binding } from '../inbound/receive-message.ts';
import { idpEndpoints } from '../saml-entities.ts';
import { refusal, refusingBadMessages } from '../saml-errors.ts';
import { answerInitiator, bindingOf, legDonePage } from './logout-propagation.ts';

type Request = HttpRequest<SamlDeps>;

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
 * back-channel, and the browser goes to the logout page that visits the other SAML participants.
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
  const initiator = { kind: 'sp' as const, spId: sp.id, requestId: message.id, binding: bindingOf(sp), ...(received.relayState !== undefined ? { relayState: received.relayState } : {}) };
  const participant = await matchingParticipant(req, tenant, sp, fields.nameId, fields.sessionIndexes);
  const session = participant?.sessionIdHash ? await req.deps.sessions.find(tenant.id, participant.sessionIdHash) : undefined;
  const nothingToDo: LogoutExchange = { tenant: tenant.id, id: '', initiator, legs: [], backchannelFailures: 0, expiresAt: now };
  if (!participant || !session) return answerInitiator(req, tenant, nothingToDo, statusCodes.responder, statusCodes.unknownPrincipal);
  const ended = await endSessionFrom(req, tenant, session, 'saml_single_logout');
  const cookies = [clearSsoCookie(tenant, req.deps.publicUrl)];
  // A session begun at an upstream provider signs out there first; the logout page (even with no other participant) then answers this SP.
  const propagation = await startSamlLogout(req.deps, tenant, ended, initiator, now, { always: session.upstream !== undefined });
  const upstream = propagation ? await upstreamLogoutHandoff(req.deps, tenant, session, propagation) : undefined;
  if (upstream) return { ...seeOther(upstream), cookies };
  if (propagation) return { ...seeOther(propagation), cookies };
  const answer = await answerInitiator(req, tenant, { ...nothingToDo, userId: session.userId, backchannelFailures: ended.failed });
  return { ...answer, cookies };
}

/**
 * A participant's LogoutResponse, inside a frame of the logout page. It counts for the participant
 * whose request it answers (InResponseTo, from that SP); anything refused or unmatched reports
 * nothing, and that participant counts as failed when the page moves on.
 */
async function logoutResponseFromSp(req: Request, tenant: Tenant, binding: Binding): Promise<HttpResponse> {
  const params = binding === 'post' && req.state.body.kind === 'form' ? req.state.body.value : req.query;
  const exchangeId = params.get('RelayState') ?? '';
  const exchange = /^[A-Za-z0-9_-]{32}$/.test(exchangeId) ? await req.deps.samlExchanges.findLogout(tenant.id, exchangeId, Date.now()) : undefined;
  if (!exchange) return legDonePage(req, tenant, undefined);
  try {
    const issuer = issuerOf(req.deps.publicUrl, tenant);
    const received = await receiveMessage(req, tenant, { binding, parameter: 'SAMLResponse', kinds: ['LogoutResponse'], destination: idpEndpoints(issuer).slo, signatureRequired: (sp) => sp.requireSignedLogoutMessages });
    const answer = readLogoutResponse(received.message);
    const index = exchange.legs.findIndex((leg) => leg.spId === received.sp.id && leg.requestId !== undefined && leg.requestId === answer.inResponseTo);
    if (index < 0) return legDonePage(req, tenant, undefined);
    const outcome = answer.status === statusCodes.success ? 'success' : 'failure';
    const recorded = await req.deps.samlExchanges.recordLegOutcome(tenant.id, exchange.id, index, answer.inResponseTo!, outcome);
    return legDonePage(req, tenant, recorded ? { exchangeId: exchange.id, leg: index, outcome } : undefined);
  } catch (error) {
    if (!(error instanceof SamlMessageRejected)) throw error;
    return legDonePage(req, tenant, undefined);
  }
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
