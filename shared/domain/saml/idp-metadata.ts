import { childOf, childrenOf, SamlMessageRejected } from './inbound-message.ts';
import { certificatesOf, entityDescriptorOf } from './metadata-document.ts';
import { bindings, namespaces } from './saml-names.ts';

/** An upstream SAML identity provider as its metadata describes it (IDPSSODescriptor). */
export interface SamlIdpMetadata {
  readonly entityId: string;
  /** Where AuthnRequests go; the Redirect binding is preferred, POST taken when it is the only one. */
  readonly ssoUrl: string;
  readonly ssoBinding: 'redirect' | 'post';
  readonly sloUrl?: string;
  readonly signingCertificates: readonly string[];
  readonly wantsSignedRequests: boolean;
}

const bindingName = (uri: string | null) => (uri === bindings.redirect ? 'redirect' : uri === bindings.post ? 'post' : undefined);

/**
 * Reads an identity provider's metadata (the "metadata import" of the broker). The result still
 * goes through the identity-provider schema (URLs, certificate shapes); what is refused here is a
 * document that is not IdP metadata, or one without a signing certificate or an SSO endpoint the
 * platform can use.
 */
export function identityProviderFromMetadata(xml: string): SamlIdpMetadata {
  const entity = entityDescriptorOf(xml);
  const descriptor = childOf(entity, namespaces.metadata, 'IDPSSODescriptor');
  if (!descriptor) throw new SamlMessageRejected('the metadata has no IDPSSODescriptor');
  const sso = childrenOf(descriptor, namespaces.metadata, 'SingleSignOnService');
  const chosen = sso.find((s) => bindingName(s.getAttribute('Binding')) === 'redirect') ?? sso.find((s) => bindingName(s.getAttribute('Binding')) === 'post');
  if (!chosen) throw new SamlMessageRejected('the metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding');
  const slo = childrenOf(descriptor, namespaces.metadata, 'SingleLogoutService').find((s) => bindingName(s.getAttribute('Binding')) === 'redirect');
  const signingCertificates = certificatesOf(descriptor, 'signing');
  if (signingCertificates.length === 0) throw new SamlMessageRejected('the metadata has no signing certificate');
  return {
    entityId: entity.getAttribute('entityID') ?? '',
    ssoUrl: chosen.getAttribute('Location') ?? '',
    ssoBinding: bindingName(chosen.getAttribute('Binding'))!,
    ...(slo?.getAttribute('Location') ? { sloUrl: slo.getAttribute('Location')! } : {}),
    signingCertificates: signingCertificates.slice(0, 4),
    wantsSignedRequests: descriptor.getAttribute('WantAuthnRequestsSigned') === 'true',
  };
}
