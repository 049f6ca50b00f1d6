import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SealedValueRejected } from '../../domain/ports/key-vault.ts';
import type { DataKeySource, KeyScope } from './data-key-source.ts';

interface KeystoreFile {
  readonly keyId: string;
  readonly masterKey: string;
}

/** Reads the master key, creating it (readable by its owner only) on first use. */
function loadOrCreate(path: string): KeystoreFile {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as KeystoreFile;
    if (Buffer.from(parsed.masterKey, 'base64').length !== 32) throw new Error(`${path}: master key is not 256 bits`);
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const created = { keyId: `local:${randomUUID()}`, masterKey: randomBytes(32).toString('base64') };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(created), { mode: 0o600, flag: 'wx' });
    return created;
  }
}

/**
 * The local stand-in for KMS: a 256-bit master key in a file under DATA_DIR wraps
 * data keys with AES-256-GCM, the encryption context bound as additional data, as
 * KMS binds it. A data key wrapped for one scope does not unwrap under another.
 */
export function createLocalKeystore(path: string): DataKeySource {
  const { keyId, masterKey } = loadOrCreate(path);
  const master = Buffer.from(masterKey, 'base64');
  const aad = (scope: KeyScope) => Buffer.from(JSON.stringify([keyId, scope.tenant, scope.purpose]));

  return {
    async generate(scope) {
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', master, iv);
      cipher.setAAD(aad(scope));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { plaintext, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]) };
    },
    async unwrap(wrapped, scope) {
      if (wrapped.length !== 12 + 32 + 16) throw new SealedValueRejected('not a wrapped data key');
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, wrapped.subarray(0, 12));
        decipher.setAAD(aad(scope));
        decipher.setAuthTag(wrapped.subarray(44));
        return Buffer.concat([decipher.update(wrapped.subarray(12, 44)), decipher.final()]);
      } catch {
        throw new SealedValueRejected('the data key does not unwrap under this context');
      }
    },
    async check() {},
  };
}
