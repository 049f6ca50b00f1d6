import { childOf, childrenOf, SamlMessageRejected } from './inbound-message.ts';
import { acceptedSignatureAlgorithms, namespaces, statusCodes } from './saml-names.ts';

/**
 * A SAML Response from an upstream identity provider (the platform as a service provider): the
 * checks that make the assertion in it trustworthy, on top of the signature verification that
 * samlify does. samlify checks the signature, the Issuer and the Conditions' time window; it does
 * not check the audience, the recipient, InResponseTo or the bearer confirmation's expiry, and
 * its XPath-based reading leaves room for signature-wrapping shapes. So the structure is checked
 * first (one assertion, where it belongs, each signature enveloping its parent) and every field
 * is read from that one assertion.
 */

const elementsOf = (doc: Document, ns: string, name: string): Element[] => {
  const list = doc.getElementsByTagNameNS(ns, name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!);
};

const signatureProblem = (signature: Element, parent: Element): string | undefined => {
  const id = parent.getAttribute('ID');
  const signedInfo = childOf(signature, namespaces.dsig, 'SignedInfo');
  const references = signedInfo ? childrenOf(signedInfo, namespaces.dsig, 'Reference') : [];
  if (!id || references.length !== 1 || references[0]!.getAttribute('URI') !== `#${id}`) return `a signature does not reference its ${parent.localName}`;
  const method = childOf(signedInfo!, namespaces.dsig, 'SignatureMethod')?.getAttribute('Algorithm');
  if (!method || !acceptedSignatureAlgorithms.includes(method)) return 'the signature algorithm is not accepted (SHA-256 or stronger)';
  const digest = childOf(references[0]!, namespaces.dsig, 'DigestMethod')?.getAttribute('Algorithm');
  if (digest !== 'http://www.w3.org/2001/04/xmlenc#sha256' && digest !== 'http://www.w3.org/2001/04/xmlenc#sha512') return 'the digest algorithm is not accepted (SHA-256 or stronger)';
  return undefined;
};

/** The top-level status of a Response: an IdP that refused or failed answers with an unsigned one. */
export function responseStatus(doc: Document): { code: string; subCode?: string } {
  const root = doc.documentElement!;
  if (root.namespaceURI !== namespaces.protocol || root.localName !== 'Response') throw new SamlMessageRejected('expected a Response');
  const status = childOf(root, namespaces.protocol, 'Status');
  const code = status && childOf(status, namespaces.protocol, 'StatusCode');
  const sub = code && childOf(code, namespaces.protocol, 'StatusCode');
  if (!code?.getAttribute('Value')) throw new SamlMessageRejected('the Response has no status');
  return { code: code.getAttribute('Value')!, ...(sub?.getAttribute('Value') ? { subCode: sub.getAttribute('Value')! } : {}) };
}

export const isSuccess = (status: { code: string }) => status.code === statusCodes.success;

/**
 * The shape a Response must have before anything in it is believed: exactly one Assertion (or
 * EncryptedAssertion) as a direct child of the Response and none anywhere else; at most one
 * signature on the Response and one on the Assertion, each a direct child referencing its
 * parent's ID; no ds:Object; every ID unique; at least one signature (once decrypted, an
 * assertion must be signed itself or sit in a signed Response).
 */
export function checkResponseShape(doc: Document, { decrypted }: { decrypted: boolean }): 'Assertion' | 'EncryptedAssertion' {
  const root = doc.documentElement!;
  if (root.namespaceURI !== namespaces.protocol || root.localName !== 'Response') throw new SamlMessageRejected('expected a Response');
  if (root.getAttribute('Version') !== '2.0') throw new SamlMessageRejected('only SAML 2.0 is supported');
  const plain = childrenOf(root, namespaces.assertion, 'Assertion');
  const encrypted = childrenOf(root, namespaces.assertion, 'EncryptedAssertion');
  if (plain.length + encrypted.length !== 1) throw new SamlMessageRejected(`expected exactly one assertion, found ${plain.length + encrypted.length}`);
  if (elementsOf(doc, namespaces.assertion, 'Assertion').length !== plain.length) throw new SamlMessageRejected('an assertion is somewhere other than in the Response');
  if (decrypted && encrypted.length) throw new SamlMessageRejected('the assertion could not be decrypted');
  if (elementsOf(doc, namespaces.dsig, 'Object').length) throw new SamlMessageRejected('ds:Object is not allowed');
  const assertion = plain[0];
  const signatures = elementsOf(doc, namespaces.dsig, 'Signature');
  const allowedParents = [root, ...(assertion ? [assertion] : [])];
  for (const signature of signatures) {
    const parent = signature.parentNode as Element;
    if (!allowedParents.includes(parent)) throw new SamlMessageRejected('a signature is somewhere other than on the Response or its assertion');
    if (childrenOf(parent, namespaces.dsig, 'Signature').length > 1) throw new SamlMessageRejected(`the ${parent.localName} has more than one signature`);
    const problem = signatureProblem(signature, parent);
    if (problem) throw new SamlMessageRejected(problem);
  }
  if (!signatures.length && !encrypted.length) throw new SamlMessageRejected('neither the Response nor its assertion is signed');
  const ids = elementsOf(doc, '*', '*').map((e) => e.getAttribute('ID')).filter((id): id is string => Boolean(id));
  if (new Set(ids).size !== ids.length) throw new SamlMessageRejected('an ID appears more than once');
  return plain.length ? 'Assertion' : 'EncryptedAssertion';
}

const text = (element: Element | undefined) => (element ? (element.textContent ?? '').trim() : undefined);
const attr = (element: Element | undefined, name: string) => (element?.hasAttribute(name) ? element.getAttribute(name)! : undefined);

/** What the one assertion of a (decrypted, shape-checked) Response says. */
export interface ReceivedAssertion {
  readonly id: string;
  readonly issuer?: string;
  readonly nameId: string;
  readonly nameIdFormat?: string;
  readonly sessionIndex?: string;
  readonly authnInstant?: string;
  readonly authnContextClassRef?: string;
  readonly notBefore?: string;
  readonly notOnOrAfter?: string;
  readonly audienceRestrictions: readonly (readonly string[])[];
  readonly bearerConfirmations: readonly { readonly recipient?: string; readonly inResponseTo?: string; readonly notOnOrAfter?: string; readonly notBefore?: string }[];
  readonly hasAuthnStatement: boolean;
  /** Attribute name → its values (strings only; at most 100 values of 1,024 characters each). */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly response: { readonly destination?: string; readonly inResponseTo?: string; readonly issuer?: string };
}

export function readAssertion(doc: Document): ReceivedAssertion {
  const root = doc.documentElement!;
  const assertion = childOf(root, namespaces.assertion, 'Assertion')!;
  const subject = childOf(assertion, namespaces.assertion, 'Subject');
  if (subject && childOf(subject, namespaces.assertion, 'EncryptedID')) throw new SamlMessageRejected('an encrypted NameID is not supported');
  const nameIdElement = subject && childOf(subject, namespaces.assertion, 'NameID');
  const nameId = text(nameIdElement);
  if (!nameId || nameId.length > 1024) throw new SamlMessageRejected('the assertion has no usable NameID');
  const conditions = childOf(assertion, namespaces.assertion, 'Conditions');
  const authn = childOf(assertion, namespaces.assertion, 'AuthnStatement');
  const context = authn && childOf(authn, namespaces.assertion, 'AuthnContext');
  const attributes: Record<string, string[]> = Object.create(null);
  for (const statement of childrenOf(assertion, namespaces.assertion, 'AttributeStatement')) {
    for (const attribute of childrenOf(statement, namespaces.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name || name.length > 256) continue;
      const values = childrenOf(attribute, namespaces.assertion, 'AttributeValue').map((v) => text(v) ?? '').filter((v) => v.length <= 1024);
      attributes[name] = [...(attributes[name] ?? []), ...values].slice(0, 100);
    }
  }
  return {
    id: attr(assertion, 'ID') ?? '',
    ...(text(childOf(assertion, namespaces.assertion, 'Issuer')) ? { issuer: text(childOf(assertion, namespaces.assertion, 'Issuer'))! } : {}),
    nameId,
    ...(attr(nameIdElement, 'Format') ? { nameIdFormat: attr(nameIdElement, 'Format')! } : {}),
    ...(attr(authn, 'SessionIndex') ? { sessionIndex: attr(authn, 'SessionIndex')! } : {}),
    ...(attr(authn, 'AuthnInstant') ? { authnInstant: attr(authn, 'AuthnInstant')! } : {}),
    ...(text(context && childOf(context, namespaces.assertion, 'AuthnContextClassRef')) ? { authnContextClassRef: text(childOf(context!, namespaces.assertion, 'AuthnContextClassRef'))! } : {}),
    ...(attr(conditions, 'NotBefore') ? { notBefore: attr(conditions, 'NotBefore')! } : {}),
    ...(attr(conditions, 'NotOnOrAfter') ? { notOnOrAfter: attr(conditions, 'NotOnOrAfter')! } : {}),
    audienceRestrictions: conditions ? childrenOf(conditions, namespaces.assertion, 'AudienceRestriction').map((r) => childrenOf(r, namespaces.assertion, 'Audience').map((a) => text(a) ?? '')) : [],
    bearerConfirmations: (subject ? childrenOf(subject, namespaces.assertion, 'SubjectConfirmation') : [])
      .filter((c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
      .map((c) => {
        const data = childOf(c, namespaces.assertion, 'SubjectConfirmationData');
        return { ...(attr(data, 'Recipient') ? { recipient: attr(data, 'Recipient')! } : {}), ...(attr(data, 'InResponseTo') ? { inResponseTo: attr(data, 'InResponseTo')! } : {}), ...(attr(data, 'NotOnOrAfter') ? { notOnOrAfter: attr(data, 'NotOnOrAfter')! } : {}), ...(attr(data, 'NotBefore') ? { notBefore: attr(data, 'NotBefore')! } : {}) };
      }),
    hasAuthnStatement: Boolean(authn),
    attributes,
    response: {
      ...(attr(root, 'Destination') ? { destination: attr(root, 'Destination')! } : {}),
      ...(attr(root, 'InResponseTo') ? { inResponseTo: attr(root, 'InResponseTo')! } : {}),
      ...(text(childOf(root, namespaces.assertion, 'Issuer')) ? { issuer: text(childOf(root, namespaces.assertion, 'Issuer'))! } : {}),
    },
  };
}

export interface AssertionExpectations {
  readonly issuer: string;
  readonly audience: string;
  readonly recipient: string;
  readonly requestId: string;
  readonly now: number;
  readonly skewMs: number;
}

/**
 * The SAML Web Browser SSO profile's checks (Profiles §4.1.4.3) for an SP-initiated sign-in: the
 * assertion is from the IdP, for this SP, confirmed for this ACS and this request, and current.
 * Returns until when the assertion's ID must be remembered against replay.
 */
export function checkAssertion(a: ReceivedAssertion, expected: AssertionExpectations): number {
  const time = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));
  const { now, skewMs } = expected;
  if (a.issuer !== expected.issuer) throw new SamlMessageRejected('the assertion is from another issuer');
  if (a.response.issuer !== undefined && a.response.issuer !== expected.issuer) throw new SamlMessageRejected('the Response is from another issuer');
  if (a.response.destination !== undefined && a.response.destination !== expected.recipient) throw new SamlMessageRejected('the Response’s Destination is not this endpoint');
  if (a.response.inResponseTo !== undefined && a.response.inResponseTo !== expected.requestId) throw new SamlMessageRejected('the Response answers another request (InResponseTo)');
  if (!a.hasAuthnStatement) throw new SamlMessageRejected('the assertion has no AuthnStatement');
  if (!a.audienceRestrictions.length || a.audienceRestrictions.some((audiences) => !audiences.includes(expected.audience))) throw new SamlMessageRejected('the assertion is for another audience');
  const notBefore = time(a.notBefore);
  const notOnOrAfter = time(a.notOnOrAfter);
  if (Number.isNaN(notBefore) || Number.isNaN(notOnOrAfter)) throw new SamlMessageRejected('the assertion’s Conditions have malformed times');
  if (notBefore !== undefined && notBefore > now + skewMs) throw new SamlMessageRejected('the assertion is not valid yet');
  if (notOnOrAfter !== undefined && notOnOrAfter <= now - skewMs) throw new SamlMessageRejected('the assertion has expired');
  const confirmed = a.bearerConfirmations.find((c) => {
    const until = time(c.notOnOrAfter);
    const from = time(c.notBefore);
    return c.recipient === expected.recipient && c.inResponseTo === expected.requestId && until !== undefined && !Number.isNaN(until) && until > now - skewMs && (from === undefined || from <= now + skewMs);
  });
  if (!confirmed) {
    const any = a.bearerConfirmations[0];
    if (!any) throw new SamlMessageRejected('the assertion has no bearer SubjectConfirmation');
    if (any.recipient !== expected.recipient) throw new SamlMessageRejected('the assertion is for another recipient');
    if (any.inResponseTo !== expected.requestId) throw new SamlMessageRejected('the assertion answers another request (InResponseTo)');
    throw new SamlMessageRejected('the assertion’s subject confirmation has expired');
  }
  if (!a.id) throw new SamlMessageRejected('the assertion has no ID');
  return Math.max(time(confirmed.notOnOrAfter)!, notOnOrAfter ?? 0) + skewMs;
}
