import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSecret, hashSecret, needsRehash, verifySecret } from '../../../shared/domain/secrets/secret-hashing.ts';

describe('checked secrets are stored only as hashes', () => {
  test('a generated client secret hashes to a salted SHA-256 PHC string and verifies', async () => {
    const secret = generateSecret();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    const stored = await hashSecret('client-secret', secret);
    assert.match(stored, /^\$sha256\$v=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.ok(!stored.includes(secret));
    assert.equal(await verifySecret(secret, stored), true);
    assert.equal(await verifySecret(`${secret}x`, stored), false);
    assert.notEqual(stored, await hashSecret('client-secret', secret), 'salted');
  });

  test('a recovery code hashes with argon2id at OWASP parameters and verifies', async () => {
    const stored = await hashSecret('recovery-code', 'abcd-efgh-ijkl');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifySecret('abcd-efgh-ijkl', stored), true);
    assert.equal(await verifySecret('abcd-efgh-ijkm', stored), false);
  });

  test('a malformed or tampered hash never verifies', async () => {
    const stored = await hashSecret('api-key', 'k');
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    for (const bad of ['', 'k', '$sha256$v=1$$', tampered, stored.replace('$sha256$', '$md5$'), '$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA', `$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$${'A'.repeat(43)}`, `$argon2id$v=19$m=19456,t=99,p=1$c2FsdHNhbHRzYWx0c2FsdA$${'A'.repeat(43)}`]) {
      assert.equal(await verifySecret('k', bad), false, bad);
    }
  });

  test('hashes made with weaker parameters are flagged for rehashing', async () => {
    assert.equal(needsRehash('recovery-code', await hashSecret('recovery-code', 'x')), false);
    assert.equal(needsRehash('recovery-code', '$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$' + 'A'.repeat(43)), true);
    assert.equal(needsRehash('client-secret', await hashSecret('client-secret', 'x')), false);
    assert.equal(needsRehash('password', 'not a hash'), true);
  });
});
