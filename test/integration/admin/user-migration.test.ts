import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import { generate, generateSecret } from 'otplib';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

/** Hashes made by other implementations (Python's hashlib; the crypt_blowfish test vectors). */
const legacy = {
  bcrypt: { password: 'U*U', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' },
  pbkdf2: { password: 'correct horse battery staple', hash: 'pbkdf2_sha256$260000$abcdefSALT123$DFbNtYLHpO34Yyogyx0YEGQQCfZkhjvsBaBRZfiphFc=' },
  scrypt: { password: 'correct horse battery staple', hash: '$scrypt$ln=14,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$11kKyiyYAc8G7rp3KmncMc44YlkdllIqxOa7pq0fMaU' },
};

const ndjson = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');

async function signIn(slug: string, identifier: string, password: string): Promise<number> {
  const browser = webClient(sharedRuntime.url);
  const page = await browser.get(`/t/${slug}/login`);
  return (await browser.postForm(`/t/${slug}/login`, { csrf: csrfTokenOf(page.body), identifier, password })).status;
}

const storedHash = async (slug: string, userId: string) =>
  String((await createDocumentClient().send(new GetCommand({ TableName: 'Directory', Key: { pk: `TENANT#${slug}`, sk: `USER#${userId}` }, ConsistentRead: true }))).Item?.passwordHash);

describe('user migration', () => {
  test('imports users with bcrypt, PBKDF2 and scrypt hashes; each signs in with the old password and is upgraded to argon2id', async () => {
    const a = await adminApi();
    assert.equal((await a.call('POST', '/groups', { name: 'Imported' })).status, 201);
    const lines = [
      { emails: [{ value: 'bcrypt@example.com', verified: true }], passwordHash: legacy.bcrypt.hash, groups: ['imported'] },
      { emails: [{ value: 'pbkdf2@example.com' }], passwordHash: legacy.pbkdf2.hash, externalId: 'legacy-2' },
      { emails: [{ value: 'scrypt@example.com' }], passwordHash: legacy.scrypt.hash, status: 'disabled' },
      { emails: [{ value: 'nohash@example.com' }] },
      '{broken json',
      { emails: [{ value: 'plain@example.com' }], passwordHash: 'hunter2' },
      { emails: [{ value: 'admin-wannabe@example.com' }], groups: ['administrators'] },
      { emails: [{ value: 'ghost@example.com' }], groups: ['No such group'] },
      { emails: [{ value: 'extra@example.com' }], role: 'root' },
    ];
    const res = await a.raw('POST', '/users/import', ndjson(lines), 'application/x-ndjson');
    assert.equal(res.status, 200, res.body);
    const report = res.json<{ received: number; created: number; failed: number; errors: Array<{ line: number; code: string }> }>();
    assert.deepEqual({ received: report.received, created: report.created, failed: report.failed }, { received: 9, created: 4, failed: 5 });
    assert.deepEqual(report.errors.map((e) => [e.line, e.code]), [[5, 'invalid_json'], [6, 'validation_failed'], [7, 'privileged_group'], [8, 'unknown_group'], [9, 'validation_failed']]);
    // Lines of one request are written several at a time, so a duplicate is shown across requests.
    const again = (await a.raw('POST', '/users/import', ndjson([{ emails: [{ value: 'BCRYPT@example.com' }] }]), 'application/x-ndjson')).json<{ errors: Array<{ code: string }> }>();
    assert.deepEqual(again.errors.map((e) => e.code), ['already_taken']);

    const users = (await a.call('GET', '/users?limit=200')).json<{ items: Array<{ id: string; userName: string; status: string }> }>().items;
    const byName = (name: string) => users.find((u) => u.userName === name)!;
    assert.equal(byName('scrypt@example.com').status, 'disabled');
    assert.deepEqual((await a.call('GET', `/users/${byName('bcrypt@example.com').id}/groups`)).json<{ items: Array<{ name: string }> }>().items.map((g) => g.name), ['Imported']);

    for (const [email, { password }] of [['bcrypt@example.com', legacy.bcrypt], ['pbkdf2@example.com', legacy.pbkdf2]] as const) {
      const id = byName(email).id;
      assert.doesNotMatch(await storedHash(a.tenant.slug, id), /^\$argon2id/);
      assert.equal(await signIn(a.tenant.slug, email, `${password}!`), 401, 'a wrong password still fails');
      assert.equal(await signIn(a.tenant.slug, email, password), 200, `${email} signs in with the password it had before`);
      assert.match(await storedHash(a.tenant.slug, id), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'and the hash is now argon2id');
      assert.equal(await signIn(a.tenant.slug, email, password), 200, 'with the upgraded hash too');
    }
    assert.equal(await signIn(a.tenant.slug, 'scrypt@example.com', legacy.scrypt.password), 401, 'a disabled user does not sign in');
    const summary = (await auditEventsOf(a.tenant.slug)).find((e) => e.type === 'users.imported' && e.details.received === 9)!;
    assert.deepEqual(summary.details, { received: 9, created: 4, failed: 5 });
  });

  test('refuses an import that is not NDJSON, and is idempotent by nature (a repeat creates nothing)', async () => {
    const a = await adminApi();
    assert.equal((await a.raw('POST', '/users/import', '[]', 'application/json')).status, 415);
    const body = ndjson([{ emails: [{ value: 'once@example.com' }] }]);
    assert.equal((await a.raw('POST', '/users/import', body, 'application/x-ndjson')).json<{ created: number }>().created, 1);
    const again = (await a.raw('POST', '/users/import', body, 'application/x-ndjson')).json<{ created: number; failed: number }>();
    assert.deepEqual([again.created, again.failed], [0, 1]);
    const reader = await adminApi(a.tenant, 'admin:read');
    assert.equal((await reader.raw('POST', '/users/import', body, 'application/x-ndjson')).status, 403);
  });

  test('exports users with hashes and groups, encrypted to the administrator’s key, page by page', async () => {
    const a = await adminApi();
    const lines = Array.from({ length: 5 }, (_, i) => ({ emails: [{ value: `export-${i}@example.com` }], passwordHash: legacy.bcrypt.hash }));
    assert.equal((await a.raw('POST', '/users/import', ndjson(lines), 'application/x-ndjson')).json<{ created: number }>().created, 5);

    for (const kind of ['EC', 'RSA'] as const) {
      const { publicKey, privateKey } = kind === 'EC' ? await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' }) : await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
      const jwk = await exportJWK(publicKey);
      const exported: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await a.call('POST', '/users/export', { publicKey: jwk, limit: 4, ...(cursor ? { cursor } : {}) });
        assert.equal(res.status, 200, res.body);
        const page = res.json<{ encrypted: string; count: number; next_cursor?: string }>();
        assert.doesNotMatch(res.body, /\$2a\$|export-0@example/, 'nothing in clear');
        const { plaintext, protectedHeader } = await compactDecrypt(page.encrypted, privateKey);
        assert.equal(protectedHeader.enc, 'A256GCM');
        const text = new TextDecoder().decode(plaintext);
        exported.push(...text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
        cursor = page.next_cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 2);
      assert.equal(exported.length, 6, 'five imported users and the administrator');
      const one = exported.find((u) => u.userName === 'export-3@example.com')!;
      assert.equal(one.passwordHash, legacy.bcrypt.hash);
      assert.deepEqual(exported.find((u) => String(u.userName).startsWith('ada+'))!.groups, ['administrators']);
    }
    assert.equal((await auditEventsOf(a.tenant.slug)).filter((e) => e.type === 'users.exported').length, 4);
  });

  test('an authenticator-app seed comes along: the imported user passes the TOTP step with their existing app, and the export carries the seed (encrypted)', async () => {
    const a = await adminApi();
    assert.equal((await a.call('PUT', '/flows/default', { steps: [{ options: ['password'] }, { options: ['totp'] }] })).status, 200);
    const secret = generateSecret();
    const line = { emails: [{ value: 'totp-user@example.com' }], passwordHash: legacy.pbkdf2.hash, totp: { secret, label: 'Old IdP app' } };
    const report = (await a.raw('POST', '/users/import', ndjson([line, { emails: [{ value: 'bad-seed@example.com' }], totp: { secret: 'not base32!' } }]), 'application/x-ndjson')).json<{ created: number; errors: Array<{ line: number; detail: string }> }>();
    assert.equal(report.created, 1);
    assert.match(report.errors[0]!.detail, /^totp\.secret: /);

    const browser = webClient(sharedRuntime.url);
    const page = await browser.get(`/t/${a.tenant.slug}/login`);
    const first = await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: 'totp-user@example.com', password: legacy.pbkdf2.password });
    assert.equal(first.status, 303);
    const step = await browser.get(`/t/${a.tenant.slug}/login/step`);
    assert.match(step.body, /Enter the code from your authenticator app/, 'no enrolment: the imported app is the factor');
    const passed = await browser.postForm(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(step.body), method: 'totp', code: await generate({ secret }) });
    assert.equal(passed.status, 200, passed.body.slice(0, 300));
    assert.match(passed.body, /You are signed in/);

    const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
    const res = await a.call('POST', '/users/export', { publicKey: await exportJWK(publicKey) });
    assert.equal(res.status, 200, res.body);
    assert.ok(!res.body.includes(secret), "the seed never in clear");
    const text = new TextDecoder().decode((await compactDecrypt(res.json<{ encrypted: string }>().encrypted, privateKey)).plaintext);
    const exported = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { userName: string; totp?: { secret: string; label: string } });
    assert.deepEqual(exported.find((u) => u.userName === 'totp-user@example.com')!.totp, { secret, label: 'Old IdP app' });
    const events = await auditEventsOf(a.tenant.slug);
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.details.via === 'import'));
    assert.ok(!JSON.stringify(events).includes(secret), 'the seed is in no audit event');
  });

  test('refuses export keys that are private, weak or not keys at all, and read-only callers', async () => {
    const a = await adminApi();
    const { privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    for (const publicKey of [await exportJWK(privateKey), weak, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad' }, {}]) {
      const res = await a.call('POST', '/users/export', { publicKey });
      assert.equal(res.status, 400, `${JSON.stringify(publicKey).slice(0, 60)}: ${res.body}`);
    }
    const reader = await adminApi(a.tenant, 'admin:read');
    const { publicKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
    assert.equal((await reader.call('POST', '/users/export', { publicKey: await exportJWK(publicKey) })).status, 403);
  });
});
