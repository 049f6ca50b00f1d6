import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createEnvelopeVault } from '../../../shared/adapters/kms/envelope-vault.ts';
import { createLocalKeystore } from '../../../shared/adapters/kms/local-keystore.ts';
import type { DataKeySource } from '../../../shared/adapters/kms/data-key-source.ts';
import { SealedValueRejected, type EncryptionContext } from '../../../shared/domain/ports/key-vault.ts';

const keystoreFile = () => join(mkdtempSync(join(tmpdir(), 'keystore-')), 'keystore.json');
const secret = new TextEncoder().encode('totp-seed-JBSWY3DPEHPK3PXP');
const ctx: EncryptionContext = { tenant: 'acme', purpose: 'totp-seed', recordId: 'user-1' };

/** Counts the calls that reach the key service, the cost a warm function should not pay. */
function counting(source: DataKeySource) {
  const calls = { generate: 0, unwrap: 0 };
  return {
    calls,
    source: {
      generate: (s) => (calls.generate++, source.generate(s)),
      unwrap: (w, s) => (calls.unwrap++, source.unwrap(w, s)),
      check: () => source.check(),
    } satisfies DataKeySource,
  };
}

describe('the keystore port with the local software keystore', () => {
  test('opens what it sealed under the same context', async () => {
    const vault = createEnvelopeVault(createLocalKeystore(keystoreFile()));
    const sealed = await vault.seal(secret, ctx);
    assert.ok(!sealed.includes('JBSWY3DP'));
    assert.deepEqual(await vault.open(sealed, ctx), secret);
  });

  const moved: Array<[string, EncryptionContext]> = [
    ['another tenant', { ...ctx, tenant: 'globex' }],
    ['another purpose', { ...ctx, purpose: 'webhook-secret' }],
    ['another record', { ...ctx, recordId: 'user-2' }],
  ];
  for (const [name, other] of moved) {
    test(`refuses to open a value moved to ${name}`, async () => {
      const vault = createEnvelopeVault(createLocalKeystore(keystoreFile()));
      const sealed = await vault.seal(secret, ctx);
      await assert.rejects(vault.open(sealed, other), SealedValueRejected);
      // A cold function (no cached data key) refuses it too.
      const cold = createEnvelopeVault(createLocalKeystore(keystoreFile()));
      await assert.rejects(cold.open(sealed, other), SealedValueRejected);
    });
  }

  test('refuses altered and malformed values', async () => {
    const vault = createEnvelopeVault(createLocalKeystore(keystoreFile()));
    const sealed = await vault.seal(secret, ctx);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0]! ^= 1;
    for (const bad of [[...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.'), 'v1.a.b.c.d', 'v2.' + parts.slice(1).join('.'), '', 'x'.repeat(5000)]) {
      await assert.rejects(vault.open(bad, ctx), SealedValueRejected);
    }
  });

  test('a value sealed with one keystore does not open with another master key', async () => {
    const sealed = await createEnvelopeVault(createLocalKeystore(keystoreFile())).seal(secret, ctx);
    await assert.rejects(createEnvelopeVault(createLocalKeystore(keystoreFile())).open(sealed, ctx), SealedValueRejected);
  });

  test('keeps its master key in a file only its owner can read, and reuses it', async () => {
    const file = keystoreFile();
    const sealed = await createEnvelopeVault(createLocalKeystore(file)).seal(secret, ctx);
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.match(JSON.parse(readFileSync(file, 'utf8')).keyId, /^local:/);
    assert.deepEqual(await createEnvelopeVault(createLocalKeystore(file)).open(sealed, ctx), secret);
  });

  test('calls the key service once per scope and cache period, not once per value', async () => {
    let now = 0;
    const { calls, source } = counting(createLocalKeystore(keystoreFile()));
    const vault = createEnvelopeVault(source, { maxKeyAgeMs: 60_000, now: () => now });
    const sealed = [];
    for (let i = 0; i < 1000; i++) sealed.push(await vault.seal(secret, { ...ctx, recordId: `user-${i}` }));
    for (let i = 0; i < 1000; i++) await vault.open(sealed[i]!, { ...ctx, recordId: `user-${i}` });
    assert.deepEqual(calls, { generate: 1, unwrap: 0 });

    const cold = counting(createLocalKeystore(keystoreFile()));
    now = 120_000;
    await vault.seal(secret, ctx);
    assert.equal(calls.generate, 2, 'a data key is renewed after its cache period');
    assert.equal(cold.calls.generate, 0);
  });

  test('bounds how many data keys it remembers', async () => {
    const { calls, source } = counting(createLocalKeystore(keystoreFile()));
    const vault = createEnvelopeVault(source, { maxCachedKeys: 2 });
    const sealed = await vault.seal(secret, ctx);
    for (const tenant of ['t1', 't2', 't3']) await vault.seal(secret, { ...ctx, tenant });
    await vault.open(sealed, ctx);
    assert.equal(calls.unwrap, 1, 'the evicted key had to be unwrapped again');
  });
});
