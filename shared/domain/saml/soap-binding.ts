import { childrenOf, parseScreenedXml, readLogoutResponse, readMessageElement, SamlMessageRejected } from './inbound-message.ts';
import { namespaces } from './saml-names.ts';

/** A SAML message in a SOAP 1.1 envelope (SAML Bindings §3.2). */
export const soapEnvelope = (messageXml: string) =>
  `<soap:Envelope xmlns:soap="${namespaces.soapEnvelope}"><soap:Body>${messageXml}</soap:Body></soap:Envelope>`;

/**
 * The LogoutResponse an SP answered over SOAP: read from the envelope's Body after the same
 * screening as every inbound message (no DTD, entities, PIs or comments; bounded size).
 */
export function readSoapLogoutResponse(text: string): { issuer: string; inResponseTo?: string; status?: string } {
  const doc = parseScreenedXml(text);
  const envelope = doc.documentElement!;
  if (envelope.namespaceURI !== namespaces.soapEnvelope || envelope.localName !== 'Envelope') throw new SamlMessageRejected('not a SOAP envelope');
  const [body] = childrenOf(envelope, namespaces.soapEnvelope, 'Body');
  const [response] = body ? childrenOf(body, namespaces.protocol, 'LogoutResponse') : [];
  if (!response) throw new SamlMessageRejected('no LogoutResponse in the SOAP body');
  const message = readMessageElement(response, ['LogoutResponse']);
  return { issuer: message.issuer, ...readLogoutResponse(message) };
}
