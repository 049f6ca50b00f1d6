import { childrenOf, parseScreenedXml, SamlMessageRejected } from './inbound-message.ts';
import { namespaces } from './saml-names.ts';

/** Metadata documents are larger than messages (several certificates, many endpoints). */
const maxMetadataBytes = 512 * 1024;

/**
 * The one EntityDescriptor of a SAML metadata document (alone, or the only one in an
 * EntitiesDescriptor). Comments are tolerated here (metadata files carry them; nothing is
 * verified over them); DTDs, entities and processing instructions are not.
 */
export function entityDescriptorOf(xml: string): Element {
  const doc = parseScreenedXml(xml, { maxBytes: maxMetadataBytes, allowComments: true });
  let entity: Element = doc.documentElement!;
  if (entity.namespaceURI === namespaces.metadata && entity.localName === 'EntitiesDescriptor') {
    const entities = childrenOf(entity, namespaces.metadata, 'EntityDescriptor');
    if (entities.length !== 1) throw new SamlMessageRejected('the metadata must describe exactly one entity');
    entity = entities[0]!;
  }
  if (entity.namespaceURI !== namespaces.metadata || entity.localName !== 'EntityDescriptor') throw new SamlMessageRejected('the document is not SAML metadata (EntityDescriptor)');
  return entity;
}

/** The base64 bodies of a role descriptor's certificates for a use (a KeyDescriptor without `use` serves both). */
export const certificatesOf = (descriptor: Element, use: 'signing' | 'encryption'): string[] =>
  childrenOf(descriptor, namespaces.metadata, 'KeyDescriptor')
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === use)
    .flatMap((k) => {
      // xmldom's NodeList is not iterable.
      const certificates = k.getElementsByTagNameNS(namespaces.dsig, 'X509Certificate');
      return Array.from({ length: certificates.length }, (_, i) => (certificates.item(i)?.textContent ?? '').replace(/\s/g, ''));
    })
    .filter(Boolean);
