import * as samlify from 'samlify';
import type { SamlCertificate, SamlSigningKey } from '../../shared/domain/keys/key-service.ts';
import { bindings, encryptionAlgorithms, signatureAlgorithms, supportedNameIdFormats } from '../../shared/domain/saml/saml-names.ts';
import type { ServiceProvider } from '../../shared/domain/saml/service-provider.ts';
import { validateSamlSchema } from '../../shared/adapters/xml/saml-schema-validator.ts';

samlify.setSchemaValidator({ validate: validateSamlSchema });

/** The tenant's endpoints as its metadata lists them. */
export const idpEndpoints = (issuer: string) => ({
  sso: `${issuer}/saml2/sso`,
  slo: `${issuer}/saml2/slo`,
});

export interface IdpOptions {
  readonly issuer: string;
  readonly key: SamlSigningKey;
  /** Inbound requests are checked for a signature: required by the SP's settings or present in the message. */
  readonly verifyRequests?: boolean;
  readonly encryptFor?: ServiceProvider;
}

/**
 * The tenant as a samlify identity provider: signs with the active RS256 key (RSA-SHA256), and
 * for an SP that wants it encrypts assertions with AES-256-GCM under RSA-OAEP.
 */
export function identityProvider(options: IdpOptions) {
  const endpoints = idpEndpoints(options.issuer);
  return samlify.IdentityProvider({
    entityID: options.issuer,
    privateKey: options.key.privateKeyPem,
    signingCert: options.key.certificatePem,
    requestSignatureAlgorithm: signatureAlgorithms.rsaSha256,
    wantAuthnRequestsSigned: options.verifyRequests === true,
    wantLogoutRequestSigned: options.verifyRequests === true,
    wantLogoutResponseSigned: options.verifyRequests === true,
    isAssertionEncrypted: options.encryptFor?.encryptAssertion === true,
    nameIDFormat: [...supportedNameIdFormats],
    singleSignOnService: [{ Binding: bindings.redirect, Location: endpoints.sso }, { Binding: bindings.post, Location: endpoints.sso }],
    singleLogoutService: [{ Binding: bindings.redirect, Location: endpoints.slo }, { Binding: bindings.post, Location: endpoints.slo }],
    ...({ dataEncryptionAlgorithm: encryptionAlgorithms.data, keyEncryptionAlgorithm: encryptionAlgorithms.key } as object),
  });
}

/** The IdP metadata document: signing certificates of the active key and the next one, and the endpoints. */
export function idpMetadata(issuer: string, certificates: readonly SamlCertificate[]): string {
  const endpoints = idpEndpoints(issuer);
  return samlify.IdPMetadata({
    entityID: issuer,
    signingCert: certificates.map((c) => c.certificatePem),
    // Published as wanted, so SPs sign by default; each SP's own setting decides whether an unsigned one is refused.
    wantAuthnRequestsSigned: true,
    nameIDFormat: [...supportedNameIdFormats],
    singleSignOnService: [{ Binding: bindings.redirect, Location: endpoints.sso }, { Binding: bindings.post, Location: endpoints.sso }],
    singleLogoutService: [{ Binding: bindings.redirect, Location: endpoints.slo }, { Binding: bindings.post, Location: endpoints.slo }],
  }).getMetadata();
}

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----`;

/**
 * A registered SP as samlify sees it. `signingCertificate` picks one of its certificates: samlify
 * checks a redirect signature against the first certificate only, so callers try each in turn.
 * Outbound logout messages to it are always signed.
 */
export function serviceProviderEntity(sp: ServiceProvider, signingCertificate?: string) {
  return samlify.ServiceProvider({
    entityID: sp.entityId,
    assertionConsumerService: sp.assertionConsumerServices.map((a) => ({ Binding: a.binding, Location: a.url, ...(a.isDefault ? { isDefault: true } : {}) })),
    singleLogoutService: sp.singleLogoutService ? [{ Binding: sp.singleLogoutService.binding, Location: sp.singleLogoutService.url }] : [],
    ...(signingCertificate ? { signingCert: pem(signingCertificate) } : {}),
    ...(sp.encryptionCertificate ? { encryptCert: pem(sp.encryptionCertificate) } : {}),
    wantAssertionsSigned: sp.signAssertion,
    wantMessageSigned: sp.signResponse,
    wantLogoutRequestSigned: true,
    wantLogoutResponseSigned: true,
    requestSignatureAlgorithm: signatureAlgorithms.rsaSha256,
  });
}
