import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { sidOf } from '../../../shared/domain/auth/end-session.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import type { SamlLoginRequest } from '../../../shared/domain/ports/saml-exchanges.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { nameIdFor, releasedAttributes, withApplicationAttributes } from '../../../shared/domain/saml/assertion-content.ts';
import { claimsForApplication } from '../../../shared/domain/federation/outbound-claims.ts';
import { claimsWithheldBy } from '../../../shared/domain/consent/application-consent.ts';
import type { StoredConsent } from '../../../shared/domain/ports/consent-store.ts';
import { chooseAuthnContext } from '../../../shared/domain/saml/authn-context.ts';
import { statusCodes } from '../../../shared/domain/saml/saml-names.ts';
import { signMessage } from '../../../shared/domain/saml/sign-message.ts';
import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { autoPostResponse } from '../../../shared/http/auto-post.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import type { SamlDeps } from '../deps.ts';
import { identityProvider, serviceProviderEntity } from '../saml-entities.ts';
import { statusResponseXml, successResponseXml } from '../../../shared/domain/saml/outbound-xml.ts';

type Request = HttpRequest<SamlDeps>;

/** Where and to what a response goes: an ACS registered for the SP, and the request it answers. */
export interface ResponseTarget {
  readonly sp: ServiceProvider;
  readonly acsUrl: string;
  readonly inResponseTo?: string;
  readonly relayState?: string;
}

const postTo = (req: Request, target: ResponseTarget, samlResponse: string) =>
  autoPostResponse(target.acsUrl, { SAMLResponse: samlResponse, ...(target.relayState !== undefined ? { RelayState: target.relayState } : {}) }, req.state.nonce);

const samlEvent = (req: Request, tenant: Tenant, type: AuditEventType, outcome: 'success' | 'failure', subject: string, details: Record<string, unknown>) =>
  createAuditEvent({ tenant: tenant.id, type, actor: subject ? { kind: 'user', id: subject } : { kind: 'anonymous' }, ...(subject ? { subject } : {}), clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome, details });

/** A signed Response with a status and no assertion (a refused or unanswerable request), by HTTP-POST. */
export async function statusResponse(req: Request, tenant: Tenant, target: ResponseTarget, status: string, subStatus: string | undefined, message: string): Promise<HttpResponse> {
  const key = await req.deps.keys.samlSigningKey(tenant.id);
  const { xml } = statusResponseXml('Response', {
    issuer: issuerOf(req.deps.publicUrl, tenant), destination: target.acsUrl, status, message, now: Date.now(),
    ...(subStatus ? { subStatus } : {}), ...(target.inResponseTo ? { inResponseTo: target.inResponseTo } : {}),
  });
  const signed = signMessage(xml, 'Response', key);
  await req.deps.auditLog.record(samlEvent(req, tenant, 'saml.sso', 'failure', '', { spId: target.sp.id, entityId: target.sp.entityId, status: subStatus ?? status, reason: message }));
  return postTo(req, target, Buffer.from(signed).toString('base64'));
}

/**
 * The SSO answer for a signed-in user: NameID in the format asked for, attributes from the SP's
 * mapping, AuthnContextClassRef from how the session was authenticated, SessionIndex = the
 * session's sid; the user's consent (as just read or recorded) withholds what they declined. The SP joins the session (SessionIndex table) before the response leaves, so
 * Single Logout can always reach it.
 */
export async function loginResponse(req: Request, tenant: Tenant, target: ResponseTarget, session: SsoSession, user: User, request: Pick<SamlLoginRequest, 'nameIdFormat' | 'requestedAuthnContext'>, consent: StoredConsent | undefined): Promise<HttpResponse> {
  const { sp } = target;
  const authnContextClassRef = chooseAuthnContext(request.requestedAuthnContext, session.amr);
  if (!authnContextClassRef) return statusResponse(req, tenant, target, statusCodes.responder, statusCodes.noAuthnContext, 'The sign-in does not meet the requested authentication context');
  const nameId = nameIdFor(user, sp, request.nameIdFormat, await req.deps.platformSecrets.get('saml-pairwise'));
  if (!nameId) return statusResponse(req, tenant, target, statusCodes.requester, statusCodes.invalidNameIdPolicy, 'The user has no identifier in the requested NameID format');
  const needsGroups = sp.attributes.some((a) => a.source === 'groups');
  const groups = needsGroups ? (await req.deps.groups.groupsOf(tenant.id, user.id)).map((g) => g.name) : [];
  const now = Date.now();
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const sessionIndex = sidOf(session);
  const own = await claimsForApplication(req.deps, tenant.id, sp.id, user, claimsWithheldBy(consent));
  const { id, xml } = successResponseXml({
    issuer,
    audience: sp.entityId,
    recipient: target.acsUrl,
    ...(target.inResponseTo ? { inResponseTo: target.inResponseTo } : {}),
    nameId,
    authnInstant: session.authTime,
    sessionIndex,
    sessionNotOnOrAfter: session.absoluteExpiresAt,
    authnContextClassRef,
    attributes: withApplicationAttributes(releasedAttributes(sp, user, groups, claimsWithheldBy(consent)), own.values, own.nameFormats),
    lifetimeSeconds: sp.assertionLifetimeSeconds,
    now,
  });
  const idp = identityProvider({ issuer, key: await req.deps.keys.samlSigningKey(tenant.id), encryptFor: sp });
  const { context } = await idp.createLoginResponse(serviceProviderEntity(sp), { extract: {} }, 'post', {}, {
    customTagReplacement: () => ({ id, context: xml }),
    // The assertion is signed, then encrypted, and only then the Response signed: samlify's other
    // order signs the Response over the plaintext assertion, a signature encryption then breaks.
    encryptThenSign: sp.encryptAssertion,
  });
  await req.deps.participants.join({
    tenant: tenant.id,
    sid: sessionIndex,
    clientId: `saml:${sp.id}`,
    userId: user.id,
    sessionIdHash: session.idHash,
    saml: { spId: sp.id, nameId: nameId.value, nameIdFormat: nameId.format, sessionIndex },
    expiresAt: session.absoluteExpiresAt,
  });
  await req.deps.auditLog.record(samlEvent(req, tenant, 'saml.sso', 'success', user.id, { spId: sp.id, entityId: sp.entityId, nameIdFormat: nameId.format, encrypted: sp.encryptAssertion, sid: sessionIndex }));
  return postTo(req, target, context);
}
