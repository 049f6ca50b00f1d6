import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImportedHash } from '../../../shared/domain/secrets/imported-hashes.ts';
import { isAcceptedPasswordHash, needsRehash, verifySecret } from '../../../shared/domain/secrets/secret-hashing.ts';

const password = 'correct horse battery staple';

/** Made by other implementations: Python's hashlib (PBKDF2, scrypt) and the crypt_blowfish test vectors (bcrypt). */
const vectors: Array<[string, string, string]> = [
  ['PBKDF2-SHA256, PHC form', password, '$pbkdf2-sha256$i=100000,l=32$AAECAwQFBgcICQoLDA0ODw$SdScJfWXhGIJ8Nkud3CrZOHHXpS0zmxQkmXuZxddKh4'],
  ['PBKDF2-SHA256, passlib form', password, '$pbkdf2-sha256$29000$AAECAwQFBgcICQoLDA0ODw$m/kLywdyNwK9GV2kWntRGvZzmeiVsuqehNWlLst2eWY'],
  ['PBKDF2-SHA256, Django form', password, 'pbkdf2_sha256$260000$abcdefSALT123$DFbNtYLHpO34Yyogyx0YEGQQCfZkhjvsBaBRZfiphFc='],
  ['scrypt, PHC form', password, '$scrypt$ln=14,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$11kKyiyYAc8G7rp3KmncMc44YlkdllIqxOa7pq0fMaU'],
  ['bcrypt $2a$', 'U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
];

for (const [name, secret, stored] of vectors) {
  test(`verifies an imported ${name} hash, refuses a wrong password, and asks for a rehash`, async () => {
    assert.ok(parseImportedHash(stored), 'parsed');
    assert.ok(isAcceptedPasswordHash(stored));
    assert.equal(await verifySecret(secret, stored), true);
    assert.equal(await verifySecret(`${secret}x`, stored), false);
    assert.equal(needsRehash('password', stored), true, 'upgraded to argon2id at the next sign-in');
  });
}

test('refuses hashes whose parameters would make a check too slow or too big, and unknown forms', () => {
  for (const stored of [
    '$pbkdf2-sha256$i=99999999,l=32$AAECAwQFBgcICQoLDA0ODw$SdScJfWXhGIJ8Nkud3CrZOHHXpS0zmxQkmXuZxddKh4',
    '$pbkdf2-sha256$i=10,l=32$AAECAwQFBgcICQoLDA0ODw$SdScJfWXhGIJ8Nkud3CrZOHHXpS0zmxQkmXuZxddKh4',
    '$scrypt$ln=30,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$11kKyiyYAc8G7rp3KmncMc44YlkdllIqxOa7pq0fMaU',
    '$2a$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    '$1$md5crypt$hash',
    'plaintext-password',
    '',
  ]) {
    assert.equal(parseImportedHash(stored), undefined, stored);
    assert.equal(isAcceptedPasswordHash(stored), false, stored);
  }
});
