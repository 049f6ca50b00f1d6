import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, InvalidCiphertextException, type KMSClient } from '@aws-sdk/client-kms';
import { createKmsDataKeySource } from '../../../shared/adapters/kms/aws-kms.ts';
import { createEnvelopeVault } from '../../../shared/adapters/kms/envelope-vault.ts';
import { KeyServiceUnavailable, SealedValueRejected } from '../../../shared/domain/ports/key-vault.ts';

const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * KMS as its documentation specifies it, recorded here so the adapter is tested against
 * those semantics: the encryption context is additional authenticated data, so Decrypt
 * with any other context (or key) fails with InvalidCiphertextException.
 */
function recordedKms(options: { state?: string; throttle?: boolean } = {}) {
  const master = randomBytes(32);
  const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  const aad = (keyId: unknown, context: unknown) => Buffer.from(JSON.stringify([keyId, Object.entries((context ?? {}) as object).sort()]));
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    calls.push({ name: command.constructor.name, input: command.input });
    if (options.throttle) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    if (command instanceof GenerateDataKeyCommand) {
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', master, iv).setAAD(aad(keyArn, command.input.EncryptionContext));
      const blob = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), KeyId: keyArn };
    }
    if (command instanceof DecryptCommand) {
      const blob = Buffer.from(command.input.CiphertextBlob as Uint8Array);
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12)).setAAD(aad(command.input.KeyId, command.input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        return { Plaintext: new Uint8Array(Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()])), KeyId: keyArn };
      } catch {
        throw new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} });
      }
    }
    if (command instanceof DescribeKeyCommand) return { KeyMetadata: { KeyId: keyArn, KeyState: options.state ?? 'Enabled' } };
    throw new Error(`unexpected ${command.constructor.name}`);
  };
  return { calls, kms: { send } as unknown as Pick<KMSClient, 'send'> };
}

const ctx = { tenant: 'acme', purpose: 'totp-seed', recordId: 'user-1' };
const secret = new TextEncoder().encode('JBSWY3DPEHPK3PXP');

describe('the AWS KMS adapter, against KMS semantics', () => {
  test('asks KMS for AES-256 data keys under the tenant and purpose as encryption context', async () => {
    const { calls, kms } = recordedKms();
    const vault = createEnvelopeVault(createKmsDataKeySource(keyArn, kms));
    assert.deepEqual(await vault.open(await vault.seal(secret, ctx), ctx), secret);
    assert.deepEqual(calls[0], { name: 'GenerateDataKeyCommand', input: { KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { tenant: 'acme', purpose: 'totp-seed' } } });
  });

  test('a cold function unwraps the data key with the same context; another tenant’s context is refused', async () => {
    const { kms } = recordedKms();
    const sealed = await createEnvelopeVault(createKmsDataKeySource(keyArn, kms)).seal(secret, ctx);
    const cold = createEnvelopeVault(createKmsDataKeySource(keyArn, kms));
    assert.deepEqual(await cold.open(sealed, ctx), secret);
    const coldAgain = createEnvelopeVault(createKmsDataKeySource(keyArn, kms));
    await assert.rejects(coldAgain.open(sealed, { ...ctx, tenant: 'globex' }), SealedValueRejected);
  });

  test('one KMS call per scope for many values, while the data key is cached', async () => {
    const { calls, kms } = recordedKms();
    const vault = createEnvelopeVault(createKmsDataKeySource(keyArn, kms));
    for (let i = 0; i < 100; i++) await vault.seal(secret, { ...ctx, recordId: `user-${i}` });
    assert.equal(calls.length, 1);
  });

  test('throttling reports the key service as unavailable, not the value as bad', async () => {
    const { kms } = recordedKms({ throttle: true });
    await assert.rejects(createEnvelopeVault(createKmsDataKeySource(keyArn, kms)).seal(secret, ctx), KeyServiceUnavailable);
  });

  test('the check fails for a key that is not enabled', async () => {
    await createEnvelopeVault(createKmsDataKeySource(keyArn, recordedKms().kms)).check();
    await assert.rejects(createEnvelopeVault(createKmsDataKeySource(keyArn, recordedKms({ state: 'PendingDeletion' }).kms)).check(), KeyServiceUnavailable);
  });
});
