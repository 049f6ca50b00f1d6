import * as samlify from 'samlify';
import { signatureAlgorithms } from './saml-names.ts';

/** A SAML message signed by samlify (enveloped, RSA-SHA256, exc-c14n), the signature right after its Issuer. */
export function signMessage(xml: string, rootName: 'Response' | 'LogoutRequest' | 'LogoutResponse', key: { privateKeyPem: string; certificatePem: string }): string {
  return samlify.SamlLib.constructSAMLSignature({
    rawSamlMessage: xml,
    isMessageSigned: true,
    isBase64Output: false,
    privateKey: key.privateKeyPem,
    // samlify wants the certificate's base64 body here, not PEM.
    signingCert: key.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
    signatureAlgorithm: signatureAlgorithms.rsaSha256,
    signatureConfig: { prefix: 'ds', location: { reference: `/*[local-name(.)='${rootName}']/*[local-name(.)='Issuer']`, action: 'after' } },
  });
}
