import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { authTransactionKey } from '../../../shared/adapters/dynamodb/session-store.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, strongPassword, type SignedUpTenant } from '../../support/signup.ts';
import { csrfTokenOf, webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const loginPath = (t: SignedUpTenant) => `/t/${t.slug}/login`;

async function attempt(client: WebClient, tenant: SignedUpTenant, identifier: string, password: string, extra: Record<string, string> = {}) {
  const page = await client.get(loginPath(tenant));
  return client.postForm(loginPath(tenant), { csrf: csrfTokenOf(page.body), identifier, password, ...extra });
}

const sessionCookieOf = (client: WebClient) => client.jar.get('idp_session')?.value;

const auditTypes = async (slug: string) => (await auditEventsOf(slug)).map((e) => e.type);

async function setSettings(slug: string, path: string, value: unknown) {
  await createDocumentClient().send(
    new UpdateCommand({ TableName: 'Directory', Key: { pk: `TENANT#${slug}`, sk: 'TENANT' }, UpdateExpression: `SET settings.${path} = :v`, ExpressionAttributeValues: { ':v': value } }),
  );
}

/** The page without what changes per response (CSRF token, nonce, correlation id). */
const stable = (body: string) => body.replace(/value="[A-Za-z0-9_-]{43}"/g, '').replace(/nonce="[^"]+"/g, '').replace(/nonce-[^']+/g, '');

describe('hosted password login (/t/{tenant}/login)', () => {
  test('signs the administrator in with an HttpOnly cookie scoped to the tenant, stored only as a hash', async () => {
    const tenant = await signUpTenant();
    const c = webClient(sharedRuntime.url);
    const res = await attempt(c, tenant, tenant.adminEmail.toUpperCase(), tenant.adminPassword);
    assert.equal(res.status, 200);
    assert.match(res.body, /You are signed in/);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('idp_session='))!;
    assert.match(setCookie, new RegExp(`Path=/t/${tenant.slug}; HttpOnly; SameSite=Lax; Max-Age=86400`));
    const id = sessionCookieOf(c)!;
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    const db = createDocumentClient();
    const { Item } = await db.send(new GetCommand({ TableName: 'Sessions', Key: { pk: `TENANT#${tenant.slug}#SESSION#${hashToken(id)}`, sk: 'SESSION' } }));
    assert.ok(Item, 'the session is stored under the hash of its id');
    assert.ok(!JSON.stringify(Item).includes(id), 'never the id itself');
    assert.deepEqual(Item.amr, ['pwd']);
    const again = await c.get(loginPath(tenant));
    assert.match(again.body, /You are signed in/);
    assert.ok((await auditTypes(tenant.slug)).includes('signin.success'));
    assert.ok((await auditTypes(tenant.slug)).includes('session.started'));
  });

  test('answers a wrong password and an unknown user with the same page and status', async () => {
    const tenant = await signUpTenant();
    const wrong = await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, 'not the right password at all');
    const unknown = await attempt(webClient(sharedRuntime.url), tenant, 'nobody@example.com', 'not the right password at all');
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(stable(wrong.body).replace(tenant.adminEmail, 'X'), stable(unknown.body).replace('nobody@example.com', 'X'));
    assert.equal(webClient(sharedRuntime.url).jar.has('idp_session'), false);
    const types = await auditTypes(tenant.slug);
    assert.equal(types.filter((t) => t === 'signin.failure').length, 2);
  });

  test('takes as long for an unknown user as for a wrong password (statistical check)', async () => {
    const tenant = await signUpTenant();
    const samples = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 16; i++) {
      // Alternating which goes first, so a burst of load on the machine falls on both alike.
      for (const kind of i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
        const c = webClient(sharedRuntime.url);
        const page = await c.get(loginPath(tenant));
        const started = performance.now();
        await c.postForm(loginPath(tenant), { csrf: csrfTokenOf(page.body), identifier: kind === 'known' ? tenant.adminEmail : `ghost${i}@example.com`, password: `wrong password ${i}` });
        samples[kind].push(performance.now() - started);
      }
      // A successful login clears the failures, keeping the known user under the lockout limit.
      if (i % 4 === 3) await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(samples.unknown) / median(samples.known);
    assert.ok(ratio > 0.6 && ratio < 1.6, `unknown/known median time ratio ${ratio.toFixed(2)} (known ${median(samples.known).toFixed(1)} ms)`);
  });

  test('locks the account after the configured failures, and unlocks after the period', async () => {
    const tenant = await signUpTenant();
    await setSettings(tenant.slug, 'lockout', { maxFailures: 3, lockSeconds: 2 });
    for (let i = 0; i < 3; i++) assert.equal((await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, `wrong ${i} password`)).status, 401);
    const whileLocked = await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword);
    assert.equal(whileLocked.status, 401, 'the right password does not open a locked account');
    const types = await auditTypes(tenant.slug);
    assert.equal(types.filter((t) => t === 'user.locked').length, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const after = await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword);
    assert.equal(after.status, 200, 'unlocked once the period is over');
  });

  test('counts failures atomically: concurrent wrong passwords lock exactly once', async () => {
    const tenant = await signUpTenant();
    await setSettings(tenant.slug, 'lockout', { maxFailures: 4, lockSeconds: 600 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, `wrong ${i} password`)));
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(401), 'every concurrent failure is answered and counted, none with a 500');
    const types = await auditTypes(tenant.slug);
    assert.equal(types.filter((t) => t === 'user.locked').length >= 1, true);
    assert.equal((await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword)).status, 401);
  });

  test('refuses a post without a CSRF token, with another browser’s, or with one issued by another tenant', async () => {
    const [a, b] = [await signUpTenant(), await signUpTenant()];
    const c = webClient(sharedRuntime.url);
    const fields = { identifier: a.adminEmail, password: a.adminPassword };
    await c.get(loginPath(a));
    assert.equal((await c.postForm(loginPath(a), fields)).status, 403);
    const other = webClient(sharedRuntime.url);
    const foreign = csrfTokenOf((await other.get(loginPath(a))).body);
    assert.equal((await c.postForm(loginPath(a), { ...fields, csrf: foreign })).status, 403);
    const tokenAtB = csrfTokenOf((await c.get(loginPath(b))).body);
    const cookieAtB = c.jar.get('idp_csrf')!.value;
    const res = await c.send('POST', loginPath(a), new URLSearchParams({ ...fields, csrf: tokenAtB }).toString(), { 'content-type': 'application/x-www-form-urlencoded', cookie: `idp_csrf=${cookieAtB}` });
    assert.equal(res.status, 403, 'a token for tenant B does not pass at tenant A');
  });

  test('a session of tenant A is worthless at tenant B, even for the same email', async () => {
    const a = await signUpTenant();
    const b = await signUpTenant(undefined, { adminEmail: a.adminEmail, adminPassword: `${strongPassword} at b` });
    const c = webClient(sharedRuntime.url);
    assert.equal((await attempt(c, a, a.adminEmail, a.adminPassword)).status, 200);
    const stolen = sessionCookieOf(c)!;
    const atB = await webClient(sharedRuntime.url).get(loginPath(b), { cookie: `idp_session=${stolen}` });
    assert.match(atB.body, /<h1>Sign in<\/h1>/);
    assert.equal((await attempt(webClient(sharedRuntime.url), b, a.adminEmail, a.adminPassword)).status, 401, 'A’s password does not open B');
    assert.equal((await attempt(webClient(sharedRuntime.url), b, b.adminEmail, b.adminPassword)).status, 200);
  });

  test('returns to the transaction that sent the user, and ignores another tenant’s', async () => {
    const [a, b] = [await signUpTenant(), await signUpTenant()];
    const db = createDocumentClient();
    const tx = `tx${'x'.repeat(20)}${Date.now()}`;
    await db.send(new PutCommand({ TableName: 'Sessions', Item: { ...authTransactionKey(a.slug, tx), tenant: a.slug, returnTo: `/t/${a.slug}/oauth2/authorize/resume?tx=${tx}`, expiresAtMs: Date.now() + 60_000 } }));
    const c = webClient(sharedRuntime.url);
    const page = await c.get(`${loginPath(a)}?tx=${tx}`);
    assert.match(page.body, new RegExp(`name="tx" value="${tx}"`));
    const res = await c.postForm(loginPath(a), { csrf: csrfTokenOf(page.body), identifier: a.adminEmail, password: a.adminPassword, tx });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/t/${a.slug}/oauth2/authorize/resume?tx=${tx}`);
    const again = await c.get(`${loginPath(a)}?tx=${tx}`);
    assert.equal(again.status, 303, 'a signed-in browser goes straight back');

    const atB = await attempt(webClient(sharedRuntime.url), b, b.adminEmail, b.adminPassword, { tx });
    assert.equal(atB.status, 200, 'tenant A’s transaction does not steer a login at tenant B');
  });

  test('logout ends the session: the old cookie no longer signs anyone in', async () => {
    const tenant = await signUpTenant();
    const c = webClient(sharedRuntime.url);
    await attempt(c, tenant, tenant.adminEmail, tenant.adminPassword);
    const old = sessionCookieOf(c)!;
    const out = await c.get(`${loginPath(tenant)}/logout`);
    assert.equal(out.status, 200);
    assert.match(out.body, /You are signed out/);
    assert.equal(sessionCookieOf(c), undefined, 'the cookie is cleared');
    const replay = await webClient(sharedRuntime.url).get(loginPath(tenant), { cookie: `idp_session=${old}` });
    assert.match(replay.body, /<h1>Sign in<\/h1>/);
    assert.ok((await auditTypes(tenant.slug)).includes('session.ended'));
  });

  test('upgrades a password hash made with weaker parameters on the next login', async () => {
    const tenant = await signUpTenant();
    const db = createDocumentClient();
    const { Item: login } = await db.send(new GetCommand({ TableName: 'Directory', Key: { pk: `TENANT#${tenant.slug}`, sk: `LOGIN#${tenant.adminEmail}` } }));
    const { argon2Sync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const weak = argon2Sync('argon2id', { message: tenant.adminPassword, nonce: salt, parallelism: 1, tagLength: 32, memory: 4096, passes: 1 });
    const weakHash = `$argon2id$v=19$m=4096,t=1,p=1$${salt.toString('base64').replace(/=+$/, '')}$${weak.toString('base64').replace(/=+$/, '')}`;
    const key = { pk: `TENANT#${tenant.slug}`, sk: `USER#${login!.userId}` };
    await db.send(new UpdateCommand({ TableName: 'Directory', Key: key, UpdateExpression: 'SET passwordHash = :h', ExpressionAttributeValues: { ':h': weakHash } }));
    assert.equal((await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword)).status, 200);
    const { Item } = await db.send(new GetCommand({ TableName: 'Directory', Key: key }));
    assert.match(Item!.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal((await attempt(webClient(sharedRuntime.url), tenant, tenant.adminEmail, tenant.adminPassword)).status, 200);
  });

  const hostile: Array<[string, Record<string, string>]> = [
    ['missing fields', {}],
    ['an oversized identifier', { identifier: 'a'.repeat(10_000), password: 'x' }],
    ['an oversized password', { identifier: 'a@example.com', password: 'p'.repeat(20_000) }],
    ['markup in the identifier', { identifier: '"><script>alert(1)</script>', password: 'x' }],
    ['NUL bytes', { identifier: 'a\u0000b', password: '\u0000' }],
  ];
  for (const [name, fields] of hostile) {
    test(`answers ${name} with the generic 401 page, escaped, never a 500`, async () => {
      const tenant = await signUpTenant();
      const c = webClient(sharedRuntime.url);
      const csrf = csrfTokenOf((await c.get(loginPath(tenant))).body);
      const res = await c.postForm(loginPath(tenant), { csrf, ...fields });
      assert.equal(res.status, 401);
      assert.ok(!res.body.includes('<script>alert(1)'));
    });
  }

  test('refuses a JSON body on the form endpoint with 415', async () => {
    const tenant = await signUpTenant();
    const res = await webClient(sharedRuntime.url).postJson(loginPath(tenant), { identifier: 'a', password: 'b' });
    assert.equal(res.status, 415);
  });

  test('rate limits password attempts per client address', async () => {
    const tenant = await signUpTenant();
    await setSettings(tenant.slug, 'lockout', { maxFailures: 100, lockSeconds: 60 });
    const c = webClient(sharedRuntime.url);
    const csrf = csrfTokenOf((await c.get(loginPath(tenant))).body);
    const statuses: number[] = [];
    // The limiter's window slides: a burst that straddles a minute boundary has a few hits of the
    // old minute discounted, so the 429 may come a few attempts after the 21st, never before it.
    for (let i = 0; i < 30 && statuses.at(-1) !== 429; i++) statuses.push((await c.postForm(loginPath(tenant), { csrf, identifier: `u${i}@example.com`, password: 'x' })).status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401));
    assert.equal(statuses.at(-1), 429, statuses.join(' '));
    assert.ok((await auditTypes(tenant.slug)).includes('ratelimit.exceeded'));
  });
});
