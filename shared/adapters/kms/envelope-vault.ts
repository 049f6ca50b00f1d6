import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  KeyServiceUnavailable,
  SealedValueRejected,
  type EncryptionContext,
  type KeyVault,
} from '../../domain/ports/key-vault.ts';
import type { DataKey, DataKeySource, KeyScope } from './data-key-source.ts';

export interface EnvelopeVaultOptions {
  /** How long a data key is reused for sealing and remembered for opening. */
  readonly maxKeyAgeMs?: number;
  /** How many values one data key may seal before a fresh one is generated. */
  readonly maxSealsPerKey?: number;
  /** How many data keys are remembered at once. */
  readonly maxCachedKeys?: number;
  readonly now?: () => number;
}

interface CachedKey {
  readonly key: DataKey;
  readonly createdAt: number;
  seals: number;
}

const format = 'v1';

const scopeId = ({ tenant, purpose }: KeyScope) => JSON.stringify([tenant, purpose]);
// The record id is bound by the payload's AAD; tenant and purpose by both the data key and the AAD.
const additionalData = ({ tenant, purpose, recordId }: EncryptionContext) =>
  Buffer.from(JSON.stringify([format, tenant, purpose, recordId]));

/**
 * Envelope encryption (AES-256-GCM under a data key from KMS or the software keystore),
 * with data keys cached by scope for sealing and by wrapped bytes for opening, so a warm
 * function calls the key service at most once per scope and cache period.
 */
export function createEnvelopeVault(source: DataKeySource, options: EnvelopeVaultOptions = {}): KeyVault {
  const maxAge = options.maxKeyAgeMs ?? 5 * 60_000;
  const maxSeals = options.maxSealsPerKey ?? 10_000;
  const maxKeys = options.maxCachedKeys ?? 256;
  const now = options.now ?? Date.now;
  const sealing = new Map<string, CachedKey>();
  const opening = new Map<string, CachedKey>();

  const fresh = (entry: CachedKey | undefined) => entry !== undefined && now() - entry.createdAt < maxAge;

  function remember(cache: Map<string, CachedKey>, id: string, entry: CachedKey) {
    cache.delete(id);
    cache.set(id, entry);
    while (cache.size > maxKeys) cache.delete(cache.keys().next().value!);
  }

  async function callSource<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SealedValueRejected) throw error;
      throw new KeyServiceUnavailable('the key service did not answer', { cause: error });
    }
  }

  async function sealingKey(scope: KeyScope): Promise<DataKey> {
    const id = scopeId(scope);
    const cached = sealing.get(id);
    if (fresh(cached) && cached!.seals < maxSeals) {
      cached!.seals += 1;
      return cached!.key;
    }
    const key = await callSource(() => source.generate(scope));
    const entry = { key, createdAt: now(), seals: 1 };
    remember(sealing, id, entry);
    remember(opening, `${id}|${key.wrapped.toString('base64')}`, entry);
    return key;
  }

  async function openingKey(wrapped: Buffer, scope: KeyScope): Promise<Buffer> {
    const id = `${scopeId(scope)}|${wrapped.toString('base64')}`;
    const cached = opening.get(id);
    if (fresh(cached)) return cached!.key.plaintext;
    const plaintext = await callSource(() => source.unwrap(wrapped, scope));
    remember(opening, id, { key: { plaintext, wrapped }, createdAt: now(), seals: 0 });
    return plaintext;
  }

  return {
    async seal(plaintext, context) {
      const key = await sealingKey(context);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
      cipher.setAAD(additionalData(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const parts = [key.wrapped, iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return [format, ...parts].join('.');
    },

    async open(sealed, context) {
      const [version, ...encoded] = sealed.split('.');
      if (version !== format || encoded.length !== 4) throw new SealedValueRejected('not a sealed value');
      const [wrapped, iv, body, tag] = encoded.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer, Buffer];
      if (iv.length !== 12 || tag.length !== 16) throw new SealedValueRejected('not a sealed value');
      const key = await openingKey(wrapped, context);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(additionalData(context));
        decipher.setAuthTag(tag);
        return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
      } catch {
        throw new SealedValueRejected('the sealed value does not open under this context');
      }
    },

    check: () => callSource(() => source.check()),
  };
}
