import { randomBytes } from 'node:crypto';
import type { ReleasedAttribute, NameId } from './assertion-content.ts';
import { namespaces, statusCodes } from './saml-names.ts';

/** XML-escapes text and attribute values (everything that goes into a message from outside). */
export const xmlText = (value: string) => value.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' })[c]};`);

/** A message ID: starts with a letter as xs:ID requires, 160 random bits. */
export const messageId = () => `_${randomBytes(20).toString('hex')}`;

const instant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface AssertionContent {
  readonly issuer: string;
  readonly audience: string;
  readonly recipient: string;
  readonly inResponseTo?: string;
  readonly nameId: NameId;
  readonly authnInstant: number;
  readonly sessionIndex: string;
  readonly sessionNotOnOrAfter: number;
  readonly authnContextClassRef: string;
  readonly attributes: readonly ReleasedAttribute[];
  readonly lifetimeSeconds: number;
  readonly now: number;
}

function attributeStatement(attributes: readonly ReleasedAttribute[]): string {
  if (attributes.length === 0) return '';
  const one = (a: ReleasedAttribute) =>
    `<saml:Attribute Name="${xmlText(a.name)}" NameFormat="${xmlText(a.nameFormat)}"${a.friendlyName ? ` FriendlyName="${xmlText(a.friendlyName)}"` : ''}>${a.values
      .map((v) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${xmlText(v)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  return `<saml:AttributeStatement>${attributes.map(one).join('')}</saml:AttributeStatement>`;
}

/**
 * A successful Response with one bearer Assertion (SAML Profiles §4.1.4.2): Subject confirmed for
 * the ACS and the request, audience-restricted to the SP, AuthnStatement with SessionIndex.
 * Signing and encryption are samlify's, applied to this document afterwards.
 */
export function successResponseXml(content: AssertionContent): { id: string; xml: string } {
  const id = messageId();
  const issued = instant(content.now);
  const notOnOrAfter = instant(content.now + content.lifetimeSeconds * 1000);
  const inResponseTo = content.inResponseTo ? ` InResponseTo="${xmlText(content.inResponseTo)}"` : '';
  const spNameQualifier = content.nameId.format.endsWith(':persistent') || content.nameId.format.endsWith(':transient') ? ` SPNameQualifier="${xmlText(content.audience)}"` : '';
  const xml =
    `<samlp:Response xmlns:samlp="${namespaces.protocol}" xmlns:saml="${namespaces.assertion}" ID="${id}" Version="2.0" IssueInstant="${issued}" Destination="${xmlText(content.recipient)}"${inResponseTo}>` +
    `<saml:Issuer>${xmlText(content.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${statusCodes.success}"/></samlp:Status>` +
    `<saml:Assertion xmlns:saml="${namespaces.assertion}" ID="${messageId()}" Version="2.0" IssueInstant="${issued}">` +
    `<saml:Issuer>${xmlText(content.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${xmlText(content.nameId.format)}"${spNameQualifier}>${xmlText(content.nameId.value)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlText(content.recipient)}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${instant(content.now - 60_000)}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xmlText(content.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant(content.authnInstant)}" SessionIndex="${xmlText(content.sessionIndex)}" SessionNotOnOrAfter="${instant(content.sessionNotOnOrAfter)}"><saml:AuthnContext><saml:AuthnContextClassRef>${xmlText(content.authnContextClassRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(content.attributes) +
    `</saml:Assertion></samlp:Response>`;
  return { id, xml };
}

export interface StatusContent {
  readonly issuer: string;
  readonly destination: string;
  readonly inResponseTo?: string;
  readonly status: string;
  readonly subStatus?: string;
  readonly message?: string;
  readonly now: number;
}

/** A status-only protocol response (Response without assertion, or LogoutResponse). */
export function statusResponseXml(element: 'Response' | 'LogoutResponse', content: StatusContent): { id: string; xml: string } {
  const id = messageId();
  const sub = content.subStatus ? `<samlp:StatusCode Value="${content.subStatus}"/>` : '';
  const message = content.message ? `<samlp:StatusMessage>${xmlText(content.message)}</samlp:StatusMessage>` : '';
  const xml =
    `<samlp:${element} xmlns:samlp="${namespaces.protocol}" xmlns:saml="${namespaces.assertion}" ID="${id}" Version="2.0" IssueInstant="${instant(content.now)}" Destination="${xmlText(content.destination)}"${content.inResponseTo ? ` InResponseTo="${xmlText(content.inResponseTo)}"` : ''}>` +
    `<saml:Issuer>${xmlText(content.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${content.status}">${sub}</samlp:StatusCode>${message}</samlp:Status>` +
    `</samlp:${element}>`;
  return { id, xml };
}

/** A LogoutRequest to a participant (SAML Core §3.7.1). */
export function logoutRequestXml(content: { issuer: string; destination: string; nameId: NameId; spNameQualifier?: string; sessionIndex: string; now: number }): { id: string; xml: string } {
  const id = messageId();
  const qualifier = content.spNameQualifier ? ` SPNameQualifier="${xmlText(content.spNameQualifier)}"` : '';
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${namespaces.protocol}" xmlns:saml="${namespaces.assertion}" ID="${id}" Version="2.0" IssueInstant="${instant(content.now)}" Destination="${xmlText(content.destination)}" NotOnOrAfter="${instant(content.now + 5 * 60_000)}" Reason="urn:oasis:names:tc:SAML:2.0:logout:user">` +
    `<saml:Issuer>${xmlText(content.issuer)}</saml:Issuer>` +
    `<saml:NameID Format="${xmlText(content.nameId.format)}"${qualifier}>${xmlText(content.nameId.value)}</saml:NameID>` +
    `<samlp:SessionIndex>${xmlText(content.sessionIndex)}</samlp:SessionIndex>` +
    `</samlp:LogoutRequest>`;
  return { id, xml };
}
