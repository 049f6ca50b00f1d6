// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata';
import { generateKeyPair, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { X509CertificateGenerator, cryptoProvider, KeyUsagesExtension, KeyUsageFlags, BasicConstraintsExtension } from '@peculiar/x509';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import type { SigningAlgorithm } from './signing-key.ts';

cryptoProvider.set(webcrypto as unknown as Crypto);

const generate = promisify(generateKeyPair);

export interface KeyMaterial {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: Record<string, string>;
  /** PKCS#8 DER of the private key: the part that gets sealed. */
  readonly privateKeyPkcs8: Uint8Array;
  readonly certificatePem?: string;
}

export interface CertificateOptions {
  /** Subject common name: the tenant's slug. */
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const rsaSigning = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A self-signed certificate for an RS256 key, as SAML metadata carries it (SHA-256 with RSA). */
async function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, options: CertificateOptions): Promise<string> {
  const keys = {
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), rsaSigning, true, ['verify']),
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), rsaSigning, false, ['sign']),
  };
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    name: [{ CN: [options.commonName] }],
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: rsaSigning,
    keys: keys as unknown as CryptoKeyPair,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
    ],
  });
  return certificate.toString('pem');
}

/**
 * A new signing key pair: P-256 for ES256, RSA-2048 for RS256 (the size SAML service
 * providers accept everywhere), its kid the RFC 7638 thumbprint of the public JWK.
 */
export async function generateKeyMaterial(alg: SigningAlgorithm, certificate?: CertificateOptions): Promise<KeyMaterial> {
  const { publicKey, privateKey } =
    alg === 'ES256' ? await generate('ec', { namedCurve: 'P-256' }) : await generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk = Object.fromEntries(Object.entries(jwk).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return {
    kid,
    alg,
    publicJwk,
    privateKeyPkcs8: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
    ...(alg === 'RS256' && certificate ? { certificatePem: await selfSignedCertificate(publicKey, privateKey, certificate) } : {}),
  };
}
