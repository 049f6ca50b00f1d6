import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { acceptedSignatureAlgorithms, namespaces } from './saml-names.ts';
import type { AuthnContextComparison, RequestedAuthnContext } from './authn-context.ts';

/** A message refused before or while it is read; `reason` is safe to log and to show. */
export class SamlMessageRejected extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`SAML message rejected: ${reason}`);
    this.reason = reason;
  }
}

/** The largest inbound message, decoded: real AuthnRequests and LogoutRequests are a few KB. */
export const maxMessageBytes = 64 * 1024;

/**
 * The base64 of an HTTP-POST binding message. The binding sends it uncompressed; node-saml, a
 * common SP library, DEFLATEs it by default, so bytes that are not XML are inflated (bounded).
 */
export function decodePostMessage(value: string): string {
  if (value.length > Math.ceil((maxMessageBytes * 4) / 3) + 4) throw new SamlMessageRejected('the message is too large');
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(value)) throw new SamlMessageRejected('the message is not base64');
  const bytes = Buffer.from(value, 'base64');
  if (/^\s*(\uFEFF)?\s*</.test(bytes.subarray(0, 16).toString('utf8'))) return bytes.toString('utf8');
  try {
    return inflateRawSync(bytes, { maxOutputLength: maxMessageBytes }).toString('utf8');
  } catch {
    throw new SamlMessageRejected('the message is neither XML nor DEFLATEd XML within the size limit');
  }
}

/** The base64 of a DEFLATEd HTTP-Redirect binding message, inflated no further than the size limit (no inflation bombs). */
export function decodeRedirectMessage(value: string): string {
  if (value.length > maxMessageBytes || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new SamlMessageRejected('the message is not base64 of a bounded size');
  try {
    return inflateRawSync(Buffer.from(value, 'base64'), { maxOutputLength: maxMessageBytes }).toString('utf8');
  } catch {
    throw new SamlMessageRejected('the message is not DEFLATE data within the size limit');
  }
}

/** The raw `name=value` pairs of a Redirect-binding query string, as the signer saw them (SAML Bindings §3.4.4.1). */
export function octetStringOf(rawQuery: string, parameter: 'SAMLRequest' | 'SAMLResponse'): string {
  const pairs = new Map(rawQuery.split('&').map((pair) => [pair.split('=')[0]!, pair] as const));
  return [parameter, 'RelayState', 'SigAlg'].flatMap((name) => (pairs.has(name) ? [pairs.get(name)!] : [])).join('&');
}

/**
 * Defence samlify does not give: XML features SAML never needs are refused before any parser sees
 * them: DOCTYPE (XXE in its general, parameter-entity and external-DTD forms, billion laughs),
 * processing instructions, comments (the NameID comment-truncation attack), CDATA sections and
 * XInclude. Only a leading XML declaration is allowed.
 */
export function screenXml(xml: string, options: { maxBytes?: number; allowComments?: boolean } = {}): void {
  if (Buffer.byteLength(xml) > (options.maxBytes ?? maxMessageBytes)) throw new SamlMessageRejected('the message is too large');
  const body = xml.replace(/^\uFEFF?\s*<\?xml\s[^?]*\?>/, '');
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) throw new SamlMessageRejected('a DOCTYPE or entity declaration is not allowed');
  if (body.includes('<?')) throw new SamlMessageRejected('processing instructions are not allowed');
  if (!options.allowComments && body.includes('<!--')) throw new SamlMessageRejected('XML comments are not allowed');
  if (body.includes('<![CDATA[')) throw new SamlMessageRejected('CDATA sections are not allowed');
  if (body.includes('http://www.w3.org/2001/XInclude')) throw new SamlMessageRejected('XInclude is not allowed');
}

/** Parses screened XML strictly: any warning or error of the parser refuses the message. */
export function parseScreenedXml(xml: string, options: { maxBytes?: number; allowComments?: boolean } = {}): Document {
  screenXml(xml, options);
  const fail = (message: string) => {
    throw new SamlMessageRejected(`malformed XML (${message.split('\n')[0]!.slice(0, 120)})`);
  };
  const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new SamlMessageRejected('malformed XML');
  return doc;
}

const elementChildren = (element: Element): Element[] => {
  const out: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
};

/** The direct children of an element with a namespace and local name. */
export const childrenOf = (element: Element, ns: string, localName: string): Element[] =>
  elementChildren(element).filter((e) => e.namespaceURI === ns && e.localName === localName);

export const childOf = (element: Element, ns: string, localName: string): Element | undefined => childrenOf(element, ns, localName)[0];

const allElements = (doc: Document): Element[] => {
  const out: Element[] = [];
  const walk = (element: Element) => {
    out.push(element);
    for (const child of elementChildren(element)) walk(child);
  };
  walk(doc.documentElement!);
  return out;
};

/**
 * Defence samlify does not give (it accepted XSW1-style wrapping on the POST binding, where the
 * signed message moves into ds:Signature/ds:Object and fields are read from an unsigned wrapper):
 * an enveloped signature must be the only ds:Signature, a direct child of the root, with exactly
 * one Reference to the root's ID, that ID unique in the document, and no ds:Object anywhere. Only
 * then is the root what was signed, and every field is read from the root.
 */
export function checkEnvelopedSignature(doc: Document): void {
  const root = doc.documentElement!;
  const elements = allElements(doc);
  const signatures = elements.filter((e) => e.namespaceURI === namespaces.dsig && e.localName === 'Signature');
  if (signatures.length !== 1) throw new SamlMessageRejected(`expected exactly one signature, found ${signatures.length}`);
  const signature = signatures[0]!;
  if (signature.parentNode !== root) throw new SamlMessageRejected('the signature is not a child of the message');
  if (elements.some((e) => e.namespaceURI === namespaces.dsig && e.localName === 'Object')) throw new SamlMessageRejected('ds:Object is not allowed');
  const rootId = root.getAttribute('ID');
  if (!rootId) throw new SamlMessageRejected('the message has no ID');
  const ids = elements.filter((e) => e.getAttribute('ID') === rootId || e.getAttribute('Id') === rootId || e.getAttribute('id') === rootId);
  if (ids.length !== 1) throw new SamlMessageRejected('the message ID is not unique');
  const signedInfo = childOf(signature, namespaces.dsig, 'SignedInfo');
  const references = signedInfo ? childrenOf(signedInfo, namespaces.dsig, 'Reference') : [];
  if (references.length !== 1 || references[0]!.getAttribute('URI') !== `#${rootId}`) throw new SamlMessageRejected('the signature does not reference the message');
  const method = signedInfo && childOf(signedInfo, namespaces.dsig, 'SignatureMethod')?.getAttribute('Algorithm');
  if (!method || !acceptedSignatureAlgorithms.includes(method)) throw new SamlMessageRejected('the signature algorithm is not accepted (SHA-256 or stronger)');
  const digest = childOf(references[0]!, namespaces.dsig, 'DigestMethod')?.getAttribute('Algorithm');
  if (digest !== 'http://www.w3.org/2001/04/xmlenc#sha256' && digest !== 'http://www.w3.org/2001/04/xmlenc#sha512') throw new SamlMessageRejected('the digest algorithm is not accepted (SHA-256 or stronger)');
}

export const hasSignature = (doc: Document): boolean => doc.getElementsByTagNameNS(namespaces.dsig, 'Signature').length > 0;

const text = (element: Element | undefined): string | undefined => (element ? (element.textContent ?? '').trim() : undefined);
const attr = (element: Element, name: string): string | undefined => (element.hasAttribute(name) ? element.getAttribute(name)! : undefined);

/** The fields every inbound protocol message has, read from its root. */
export interface InboundMessage {
  readonly kind: 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse';
  readonly id: string;
  readonly issuer: string;
  readonly issueInstant: string;
  readonly destination?: string;
  readonly root: Element;
}

/** Reads the root's own fields (never from anywhere else in the document). */
export function readInboundMessage(doc: Document, expected: readonly InboundMessage['kind'][]): InboundMessage {
  return readMessageElement(doc.documentElement!, expected);
}

/** The same for a message inside another document (a SOAP envelope's Body). */
export function readMessageElement(root: Element, expected: readonly InboundMessage['kind'][]): InboundMessage {
  const kind = root.localName as InboundMessage['kind'];
  if (root.namespaceURI !== namespaces.protocol || !expected.includes(kind)) throw new SamlMessageRejected(`expected ${expected.join(' or ')}`);
  if (root.getAttribute('Version') !== '2.0') throw new SamlMessageRejected('only SAML 2.0 is supported');
  const id = attr(root, 'ID');
  const issueInstant = attr(root, 'IssueInstant');
  const issuer = text(childOf(root, namespaces.assertion, 'Issuer'));
  if (!id || !/^[A-Za-z_][\w.-]{0,255}$/.test(id)) throw new SamlMessageRejected('the message ID is missing or malformed');
  if (!issueInstant) throw new SamlMessageRejected('IssueInstant is missing');
  if (!issuer) throw new SamlMessageRejected('Issuer is missing');
  const destination = attr(root, 'Destination');
  return { kind, id, issuer, issueInstant, root, ...(destination !== undefined ? { destination } : {}) };
}

/** An AuthnRequest's own fields (SAML Core §3.4.1). */
export interface AuthnRequestFields {
  readonly acsUrl?: string;
  readonly acsIndex?: number;
  readonly protocolBinding?: string;
  readonly forceAuthn: boolean;
  readonly isPassive: boolean;
  readonly nameIdFormat?: string;
  readonly requestedAuthnContext?: RequestedAuthnContext;
}

const comparisons: readonly AuthnContextComparison[] = ['exact', 'minimum', 'better', 'maximum'];

/** RequestedAuthnContext: its comparison and references (declaration references are kept: no class meets them). */
function readRequestedAuthnContext(root: Element): RequestedAuthnContext | undefined {
  const element = childOf(root, namespaces.protocol, 'RequestedAuthnContext');
  if (!element) return undefined;
  const comparison = attr(element, 'Comparison') ?? 'exact';
  if (!comparisons.includes(comparison as AuthnContextComparison)) throw new SamlMessageRejected('RequestedAuthnContext has an unknown Comparison');
  const refs = [...childrenOf(element, namespaces.assertion, 'AuthnContextClassRef'), ...childrenOf(element, namespaces.assertion, 'AuthnContextDeclRef')].map((e) => text(e) ?? '');
  if (refs.length === 0 || refs.length > 10 || refs.some((r) => r.length === 0 || r.length > 256)) throw new SamlMessageRejected('RequestedAuthnContext is malformed');
  return { comparison: comparison as AuthnContextComparison, classRefs: refs };
}

const booleanAttr = (element: Element, name: string) => ['true', '1'].includes(element.getAttribute(name) ?? '');

export function readAuthnRequest(message: InboundMessage): AuthnRequestFields {
  const root = message.root;
  const index = attr(root, 'AssertionConsumerServiceIndex');
  if (index !== undefined && !/^\d{1,5}$/.test(index)) throw new SamlMessageRejected('AssertionConsumerServiceIndex is malformed');
  const policy = childOf(root, namespaces.protocol, 'NameIDPolicy');
  const acsUrl = attr(root, 'AssertionConsumerServiceURL');
  const protocolBinding = attr(root, 'ProtocolBinding');
  const nameIdFormat = policy && attr(policy, 'Format');
  const requestedAuthnContext = readRequestedAuthnContext(root);
  return {
    ...(acsUrl !== undefined ? { acsUrl } : {}),
    ...(index !== undefined ? { acsIndex: Number(index) } : {}),
    ...(protocolBinding !== undefined ? { protocolBinding } : {}),
    forceAuthn: booleanAttr(root, 'ForceAuthn'),
    isPassive: booleanAttr(root, 'IsPassive'),
    ...(nameIdFormat !== undefined ? { nameIdFormat } : {}),
    ...(requestedAuthnContext ? { requestedAuthnContext } : {}),
  };
}

/** A LogoutRequest's own fields (SAML Core §3.7.1); an encrypted NameID is not supported. */
export interface LogoutRequestFields {
  readonly nameId: string;
  readonly sessionIndexes: readonly string[];
  readonly notOnOrAfter?: string;
}

export function readLogoutRequest(message: InboundMessage): LogoutRequestFields {
  const nameId = text(childOf(message.root, namespaces.assertion, 'NameID'));
  if (!nameId) throw new SamlMessageRejected('NameID is missing');
  const notOnOrAfter = attr(message.root, 'NotOnOrAfter');
  return {
    nameId,
    sessionIndexes: childrenOf(message.root, namespaces.protocol, 'SessionIndex').map((e) => text(e)!).filter(Boolean),
    ...(notOnOrAfter !== undefined ? { notOnOrAfter } : {}),
  };
}

/** A LogoutResponse's own fields: whom it answers and the top-level status. */
export function readLogoutResponse(message: InboundMessage): { inResponseTo?: string; status?: string } {
  const status = childOf(message.root, namespaces.protocol, 'Status');
  const code = status && childOf(status, namespaces.protocol, 'StatusCode')?.getAttribute('Value');
  const inResponseTo = attr(message.root, 'InResponseTo');
  return { ...(inResponseTo !== undefined ? { inResponseTo } : {}), ...(code ? { status: code } : {}) };
}
