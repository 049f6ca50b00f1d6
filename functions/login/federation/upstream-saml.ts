import { randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import { validateSamlSchema } from '../../../shared/adapters/xml/saml-schema-validator.ts';
import type { SamlIdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import type { SamlSigningKey } from '../../../shared/domain/keys/key-service.ts';
import {
  checkEnvelopedSignature,
  decodePostMessage,
  decodeRedirectMessage,
  hasSignature,
  octetStringOf,
  parseScreenedXml,
  readInboundMessage,
  readLogoutRequest,
  readLogoutResponse,
  SamlMessageRejected,
} from '../../../shared/domain/saml/inbound-message.ts';
import type { UpstreamSession } from '../../../shared/domain/ports/session-store.ts';
import { checkAssertion, checkResponseShape, isSuccess, readAssertion, responseStatus, type ReceivedAssertion } from '../../../shared/domain/saml/inbound-response.ts';
import { acceptedSignatureAlgorithms, bindings, signatureAlgorithms } from '../../../shared/domain/saml/saml-names.ts';

/**
 * The platform as a SAML 2.0 service provider of an upstream identity provider (issue: identity
 * broker), through samlify: AuthnRequests signed with the tenant's SAML key (RSA-SHA256), and
 * Responses whose assertion must be signed (on itself or by the enclosing Response), possibly
 * encrypted to the same key. Loaded at the first SAML federation, never at a cold start.
 */
samlify.setSchemaValidator({ validate: validateSamlSchema });

export interface BrokerEndpoints {
  /** The tenant's issuer: the broker's SAML entityID is derived from it. */
  readonly issuer: string;
  readonly acsUrl: string;
  readonly sloUrl: string;
}

export const brokerEntityId = (issuer: string) => `${issuer}/login/federated/saml`;

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----`;

function brokerServiceProvider(endpoints: BrokerEndpoints, key: SamlSigningKey, signRequests: boolean, nameIdFormat?: string, generateID?: () => string) {
  return samlify.ServiceProvider({
    ...(generateID ? ({ generateID } as object) : {}),
    entityID: brokerEntityId(endpoints.issuer),
    authnRequestsSigned: signRequests,
    wantAssertionsSigned: true,
    privateKey: key.privateKeyPem,
    signingCert: key.certificatePem,
    encPrivateKey: key.privateKeyPem,
    encryptCert: key.certificatePem,
    requestSignatureAlgorithm: signatureAlgorithms.rsaSha256,
    assertionConsumerService: [{ Binding: bindings.post, Location: endpoints.acsUrl }],
    singleLogoutService: [{ Binding: bindings.redirect, Location: endpoints.sloUrl }, { Binding: bindings.post, Location: endpoints.sloUrl }],
    nameIDFormat: nameIdFormat ? [nameIdFormat] : [],
    // The assertion's times are checked again by checkAssertion; samlify's own check gets the same tolerance.
    clockDrifts: [-clockSkewMs, clockSkewMs],
  });
}

function upstreamEntity(idp: SamlIdentityProvider, encrypted: boolean) {
  return samlify.IdentityProvider({
    entityID: idp.entityId,
    signingCert: idp.signingCertificates.map(pem),
    wantAuthnRequestsSigned: idp.signAuthnRequests,
    isAssertionEncrypted: encrypted,
    requestSignatureAlgorithm: signatureAlgorithms.rsaSha256,
    singleSignOnService: [{ Binding: idp.ssoBinding === 'post' ? bindings.post : bindings.redirect, Location: idp.ssoUrl }],
    ...(idp.sloUrl ? { singleLogoutService: [{ Binding: bindings.redirect, Location: idp.sloUrl }] } : {}),
    // Logout messages to the IdP are always signed; the ones it sends must be.
    wantLogoutRequestSigned: true,
    wantLogoutResponseSigned: true,
  });
}

/** The broker's SP metadata for a tenant, to register at upstream identity providers. */
export function brokerMetadata(endpoints: BrokerEndpoints, key: SamlSigningKey): string {
  return brokerServiceProvider(endpoints, key, true).getMetadata();
}

export type OutboundAuthnRequest =
  | { readonly requestId: string; readonly binding: 'redirect'; readonly url: string }
  | { readonly requestId: string; readonly binding: 'post'; readonly action: string; readonly values: Record<string, string> };

/** An AuthnRequest to the upstream (its ID is what the answer's InResponseTo must name), carrying the ceremony as RelayState. */
export function authnRequestTo(idp: SamlIdentityProvider, endpoints: BrokerEndpoints, key: SamlSigningKey, relayState: string, forceAuthn: boolean): OutboundAuthnRequest {
  // samlify's default ID is a UUID; an explicit 160-bit random one keeps it unguessable whatever the UUID version.
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const sp = brokerServiceProvider(endpoints, key, idp.signAuthnRequests, idp.nameIdFormat, () => requestId);
  const context = sp.createLoginRequest(upstreamEntity(idp, false), idp.ssoBinding, { relayState, ...(forceAuthn ? { forceAuthn: true } : {}) });
  if (idp.ssoBinding === 'redirect') return { requestId, binding: 'redirect', url: context.context };
  const post = context as { context: string; entityEndpoint: string };
  return { requestId, binding: 'post', action: post.entityEndpoint, values: { SAMLRequest: post.context, RelayState: relayState } };
}

/** How far the IdP's clock may be from ours. */
const clockSkewMs = 2 * 60_000;

export interface VerifiedAssertion {
  readonly assertion: ReceivedAssertion;
  /** Until when its ID must be remembered (replay). */
  readonly rememberUntil: number;
}

/**
 * A Response by the HTTP-POST binding, checked in an order that lets nothing unchecked be read:
 * size and encoding → XML screening (no DTD, PI, comment) → strict parse → status (a refusal is
 * reported as such) → shape (no signature wrapping) → samlify: signature by one of the IdP's
 * certificates, schema, decryption → the decrypted document's shape again → the profile's checks
 * (issuer, audience, recipient, InResponseTo, times).
 */
export async function verifyResponse(idp: SamlIdentityProvider, endpoints: BrokerEndpoints, key: SamlSigningKey, encoded: string, requestId: string, now: number): Promise<VerifiedAssertion> {
  const xml = decodePostMessage(encoded);
  const doc = parseScreenedXml(xml);
  const status = responseStatus(doc);
  if (!isSuccess(status)) throw new SamlMessageRejected(`the identity provider answered ${status.subCode ?? status.code}`);
  const shape = checkResponseShape(doc, { decrypted: false });
  const sp = brokerServiceProvider(endpoints, key, idp.signAuthnRequests, idp.nameIdFormat);
  let content: string;
  try {
    ({ samlContent: content } = await sp.parseLoginResponse(upstreamEntity(idp, shape === 'EncryptedAssertion'), 'post', { body: { SAMLResponse: Buffer.from(xml).toString('base64') } }));
  } catch (error) {
    const code = error instanceof Error ? error.message : String(error);
    throw new SamlMessageRejected(
      code === 'ERR_EXCEPTION_VALIDATE_XML' ? 'the Response does not follow the SAML schema'
      : code === 'ERR_SUBJECT_UNCONFIRMED' || code === 'ERR_EXPIRED_SESSION' ? 'the assertion has expired'
      : code === 'ERR_UNMATCH_ISSUER' ? 'the assertion is from another issuer'
      : shape === 'EncryptedAssertion' && !/SIGNATURE/.test(code) ? 'the assertion could not be decrypted'
      : 'the signature could not be verified',
    );
  }
  const verified = shape === 'EncryptedAssertion' ? parseScreenedXml(content) : doc;
  if (shape === 'EncryptedAssertion') checkResponseShape(verified, { decrypted: true });
  const assertion = readAssertion(verified);
  const rememberUntil = checkAssertion(assertion, { issuer: idp.entityId, audience: brokerEntityId(endpoints.issuer), recipient: endpoints.acsUrl, requestId, now, skewMs: clockSkewMs });
  return { assertion, rememberUntil };
}

/** The claims the broker's mappings read: every attribute (a list when it has several values) and the NameID. */
export function claimsOf(assertion: ReceivedAssertion): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(assertion.attributes)) claims[name] = values.length === 1 ? values[0] : values;
  return { ...claims, nameId: assertion.nameId, ...(assertion.nameIdFormat ? { nameIdFormat: assertion.nameIdFormat } : {}) };
}

// ---- Single Logout with the upstream IdP -------------------------------------------------------

/** A LogoutRequest to the IdP for an upstream session (signed, HTTP-Redirect), carrying the ceremony as RelayState. */
export function logoutRequestTo(idp: SamlIdentityProvider, endpoints: BrokerEndpoints, key: SamlSigningKey, upstream: UpstreamSession, relayState: string): { requestId: string; url: string } {
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const sp = brokerServiceProvider(endpoints, key, true, upstream.nameIdFormat, () => requestId);
  const { context } = sp.createLogoutRequest(upstreamEntity(idp, false), 'redirect', { logoutNameID: upstream.subject, ...(upstream.sessionIndex ? { sessionIndex: upstream.sessionIndex } : {}) }, relayState);
  return { requestId, url: context };
}

/** The IdP's answer to a LogoutRequest of its own: a signed LogoutResponse by HTTP-Redirect. */
export function logoutResponseTo(idp: SamlIdentityProvider, endpoints: BrokerEndpoints, key: SamlSigningKey, inResponseTo: string, relayState: string | undefined): string {
  const sp = brokerServiceProvider(endpoints, key, true);
  return sp.createLogoutResponse(upstreamEntity(idp, false), { extract: { request: { id: inResponseTo } } }, 'redirect', relayState ?? '').context;
}

export type ReceivedLogout =
  | { readonly kind: 'LogoutRequest'; readonly id: string; readonly nameId: string; readonly sessionIndexes: readonly string[]; readonly relayState?: string }
  | { readonly kind: 'LogoutResponse'; readonly id: string; readonly inResponseTo?: string; readonly success: boolean; readonly relayState?: string };

/** The Issuer of a logout message, read before anything is trusted, to find which IdP's certificates verify it. */
export function logoutIssuerOf(params: URLSearchParams, binding: 'redirect' | 'post'): { issuer: string; parameter: 'SAMLRequest' | 'SAMLResponse'; xml: string } {
  for (const name of new Set(params.keys())) if (params.getAll(name).length > 1) throw new SamlMessageRejected(`the parameter ${name} was sent more than once`);
  const parameter = params.has('SAMLRequest') ? 'SAMLRequest' : 'SAMLResponse';
  const encoded = params.get(parameter);
  if (!encoded) throw new SamlMessageRejected('SAMLRequest or SAMLResponse is missing');
  const xml = binding === 'redirect' ? decodeRedirectMessage(encoded) : decodePostMessage(encoded);
  return { issuer: readInboundMessage(parseScreenedXml(xml), ['LogoutRequest', 'LogoutResponse']).issuer, parameter, xml };
}

/**
 * A LogoutRequest or LogoutResponse from the upstream IdP, by either binding: signed by one of
 * its certificates (required; SHA-256 or stronger; an enveloped signature on POST), for this
 * endpoint, current. Replay is the caller's (it knows the tenant's store).
 */
export async function verifyLogoutMessage(idp: SamlIdentityProvider, endpoints: BrokerEndpoints, key: SamlSigningKey, params: URLSearchParams, rawQuery: string, binding: 'redirect' | 'post', now: number): Promise<ReceivedLogout> {
  const { parameter, xml } = logoutIssuerOf(params, binding);
  const doc = parseScreenedXml(xml);
  const message = readInboundMessage(doc, ['LogoutRequest', 'LogoutResponse']);
  if (message.issuer !== idp.entityId) throw new SamlMessageRejected('the message is from another issuer');
  if (binding === 'redirect') {
    if (hasSignature(doc)) throw new SamlMessageRejected('an embedded signature is not used with the Redirect binding');
    if (!params.get('Signature')) throw new SamlMessageRejected('the message must be signed');
    if (!acceptedSignatureAlgorithms.includes(params.get('SigAlg') ?? '')) throw new SamlMessageRejected('the signature algorithm is not accepted (SHA-256 or stronger)');
  } else {
    if (!hasSignature(doc)) throw new SamlMessageRejected('the message must be signed');
    checkEnvelopedSignature(doc);
  }
  const sp = brokerServiceProvider(endpoints, key, true);
  const envelope = binding === 'redirect' ? { query: Object.fromEntries(params), octetString: octetStringOf(rawQuery, parameter) } : { body: { ...Object.fromEntries(params), [parameter]: Buffer.from(xml).toString('base64') } };
  // samlify checks a redirect signature against the first certificate only: each is tried in turn.
  let verified = false;
  for (const certificate of idp.signingCertificates) {
    const entity = upstreamEntity({ ...idp, signingCertificates: [certificate] }, false);
    try {
      if (message.kind === 'LogoutRequest') await sp.parseLogoutRequest(entity, binding, envelope);
      else await sp.parseLogoutResponse(entity, binding, envelope);
      verified = true;
      break;
    } catch {
      // the next certificate
    }
  }
  if (!verified) throw new SamlMessageRejected('the signature could not be verified');
  if (message.destination !== endpoints.sloUrl) throw new SamlMessageRejected('the Destination is not this endpoint');
  const issued = Date.parse(message.issueInstant);
  if (!Number.isFinite(issued) || issued < now - 5 * 60_000 || issued > now + clockSkewMs) throw new SamlMessageRejected('the IssueInstant is not current');
  const relayState = params.get('RelayState') ?? undefined;
  if (relayState !== undefined && relayState.length > 256) throw new SamlMessageRejected('RelayState is too long');
  if (message.kind === 'LogoutRequest') {
    const request = readLogoutRequest(message);
    if (request.notOnOrAfter && Date.parse(request.notOnOrAfter) <= now - clockSkewMs) throw new SamlMessageRejected('the LogoutRequest has expired');
    return { kind: 'LogoutRequest', id: message.id, nameId: request.nameId, sessionIndexes: request.sessionIndexes, ...(relayState !== undefined ? { relayState } : {}) };
  }
  const response = readLogoutResponse(message);
  return { kind: 'LogoutResponse', id: message.id, ...(response.inResponseTo ? { inResponseTo: response.inResponseTo } : {}), success: response.status === 'urn:oasis:names:tc:SAML:2.0:status:Success', ...(relayState !== undefined ? { relayState } : {}) };
}
