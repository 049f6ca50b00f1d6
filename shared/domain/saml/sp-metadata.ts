import { childOf, childrenOf, SamlMessageRejected } from './inbound-message.ts';
import { certificatesOf, entityDescriptorOf } from './metadata-document.ts';
import { bindings, namespaces } from './saml-names.ts';

/**
 * A service provider's settings read from its SAML metadata (an EntityDescriptor with an
 * SPSSODescriptor): entityID, POST ACS endpoints with their indexes, the SLO endpoint, signing and
 * encryption certificates, whether it signs AuthnRequests and wants signed assertions, and the
 * first NameID format it names. The result still goes through the service-provider schema.
 * Comments are tolerated here (metadata files carry them; nothing is verified over them); DTDs,
 * entities and processing instructions are not.
 */
export function serviceProviderFromMetadata(xml: string): Record<string, unknown> {
  const entity = entityDescriptorOf(xml);
  const descriptor = childOf(entity, namespaces.metadata, 'SPSSODescriptor');
  if (!descriptor) throw new SamlMessageRejected('the metadata has no SPSSODescriptor');
  const acs = childrenOf(descriptor, namespaces.metadata, 'AssertionConsumerService')
    .filter((a) => a.getAttribute('Binding') === bindings.post)
    .map((a, position) => ({
      url: a.getAttribute('Location') ?? '',
      binding: bindings.post,
      index: /^\d{1,5}$/.test(a.getAttribute('index') ?? '') ? Number(a.getAttribute('index')) : position,
      isDefault: a.getAttribute('isDefault') === 'true',
    }));
  const slo = childrenOf(descriptor, namespaces.metadata, 'SingleLogoutService').find((s) => s.getAttribute('Binding') === bindings.redirect || s.getAttribute('Binding') === bindings.post);
  const soap = childrenOf(descriptor, namespaces.metadata, 'SingleLogoutService').find((s) => s.getAttribute('Binding') === bindings.soap);
  const signing = certificatesOf(descriptor, 'signing');
  const encryption = certificatesOf(descriptor, 'encryption');
  const format = childrenOf(descriptor, namespaces.metadata, 'NameIDFormat').map((f) => (f.textContent ?? '').trim())[0];
  return {
    entityId: entity.getAttribute('entityID') ?? '',
    assertionConsumerServices: acs,
    ...(slo ? { singleLogoutService: { url: slo.getAttribute('Location') ?? '', binding: slo.getAttribute('Binding') } } : {}),
    ...(soap ? { backChannelLogoutUrl: soap.getAttribute('Location') ?? '' } : {}),
    signingCertificates: signing.slice(0, 4),
    ...(encryption[0] && childrenOf(descriptor, namespaces.metadata, 'KeyDescriptor').some((k) => k.getAttribute('use') === 'encryption') ? { encryptionCertificate: encryption[0], encryptAssertion: true } : {}),
    requireSignedAuthnRequests: descriptor.getAttribute('AuthnRequestsSigned') === 'true',
    ...(format && format !== 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity' ? { nameIdFormat: format } : {}),
  };
}
