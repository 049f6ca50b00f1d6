import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { SealedValueRejected } from '../../domain/ports/key-vault.ts';
import type { DataKeySource, KeyScope } from './data-key-source.ts';

type KmsSender = Pick<KMSClient, 'send'>;

const encryptionContext = ({ tenant, purpose }: KeyScope) => ({ tenant, purpose });

/** Data keys from AWS KMS, each bound to its tenant and purpose by the encryption context. */
export function createKmsDataKeySource(keyId: string, kms: KmsSender = new KMSClient({ maxAttempts: 3 })): DataKeySource {
  return {
    async generate(scope) {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(scope) }),
      );
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
      return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
    },
    async unwrap(wrapped, scope) {
      try {
        const out = await kms.send(
          new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: encryptionContext(scope) }),
        );
        if (!out.Plaintext) throw new Error('KMS returned no plaintext');
        return Buffer.from(out.Plaintext);
      } catch (error) {
        if (error instanceof InvalidCiphertextException) throw new SealedValueRejected('KMS refused the data key for this context');
        throw error;
      }
    },
    async check() {
      const out = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      if (out.KeyMetadata?.KeyState !== 'Enabled') throw new Error(`key is ${out.KeyMetadata?.KeyState ?? 'unknown'}`);
    },
  };
}
