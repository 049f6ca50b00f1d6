import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../../shared/adapters/platform-ports.ts';
import { confirmSignup, requestSignup } from '../../../shared/domain/tenants/signup-service.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo, waitForMail } from '../../support/mailbox.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { confirmationTokenOf, signupBody, signUpTenant, strongPassword } from '../../support/signup.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const client = () => webClient(sharedRuntime.url);

describe('POST /api/signup and the confirmation link', () => {
  test('answers 202 pending, mails a link, and the link creates the tenant once', async () => {
    const c = client();
    const body = signupBody();
    const res = await c.postJson('/api/signup', body);
    assert.equal(res.status, 202);
    assert.deepEqual(res.json(), { tenant: body.tenant, status: 'pending' });
    assert.equal((await c.get(`/t/${body.tenant}/login`)).status, 404, 'a pending tenant serves nothing');

    const mail = await waitForMail(body.adminEmail);
    const token = confirmationTokenOf(mail.body.text!)!;
    const confirmed = await c.get(`/signup/confirm?token=${token}`, { accept: 'application/json' });
    assert.equal(confirmed.status, 200);
    const result = confirmed.json<{ issuer: string; consoleUrl: string; managementClient: { client_id: string; client_secret: string } }>();
    assert.equal(result.issuer, `${sharedRuntime.url}/t/${body.tenant}`);
    assert.equal(result.consoleUrl, `${sharedRuntime.url}/t/${body.tenant}/console`);
    assert.match(result.managementClient.client_id, /^mgmt_/);
    assert.match(result.managementClient.client_secret, /^[A-Za-z0-9_-]{43}$/);

    const replay = await c.get(`/signup/confirm?token=${token}`, { accept: 'application/json' });
    assert.equal(replay.status, 400);
    assert.equal(replay.json().code, 'invalid_link');

    const jwks = await c.get(`/t/${body.tenant}/oauth2/jwks`);
    assert.equal(jwks.status, 200);
    assert.equal(jwks.json<{ keys: unknown[] }>().keys.length, 4, 'signing keys exist from the start');
  });

  test('stores the password and the client secret only as hashes', async () => {
    const tenant = await signUpTenant(client());
    const db = createDocumentClient();
    const { Items = [] } = await db.send(new QueryCommand({ TableName: 'Directory', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TENANT#${tenant.slug}` } }));
    const stored = JSON.stringify(Items);
    assert.ok(!stored.includes(tenant.clientSecret), 'client secret in the clear');
    assert.ok(!stored.includes(strongPassword), 'password in the clear');
    assert.match(stored, /\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.match(stored, /\$sha256\$v=1\$/);
    const kinds = Items.map((i) => String(i.sk).split('#')[0]).sort();
    for (const kind of ['CLIENT', 'GROUP', 'KEY', 'KEYRING', 'LOGIN', 'TENANT', 'USER']) assert.ok(kinds.includes(kind), kind);
    assert.ok(!stored.includes('"signup"'), 'the pending request is gone');
  });

  test('a browser gets a button, not an instant confirmation, and the button is CSRF-protected', async () => {
    const c = client();
    const body = signupBody();
    await c.postJson('/api/signup', body);
    const token = confirmationTokenOf((await waitForMail(body.adminEmail)).body.text!)!;
    const page = await c.get(`/signup/confirm?token=${token}`, { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.body, /Confirm and create my tenant/);
    const csrf = csrfTokenOf(page.body);
    const forged = await client().postForm('/signup/confirm', { token, csrf }, { accept: 'text/html' });
    assert.equal(forged.status, 403, 'a token from another browser does not pass');
    const missing = await c.postForm('/signup/confirm', { token }, { accept: 'text/html' });
    assert.equal(missing.status, 403);
    const done = await c.postForm('/signup/confirm', { token, csrf }, { accept: 'text/html' });
    assert.equal(done.status, 200);
    assert.match(done.body, /Your tenant is ready/);
    assert.match(done.body, /client_secret/);
  });

  test('the same slug signed up concurrently leaves exactly one pending tenant', async () => {
    const slug = signupBody().tenant;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client().postJson('/api/signup', signupBody({ tenant: slug, adminEmail: `racer${i}@example.com` }))),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [202, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json().code, 'tenant_taken');
  });

  test('a slug that belongs to an active tenant is taken', async () => {
    const tenant = await signUpTenant(client());
    const res = await client().postJson('/api/signup', signupBody({ tenant: tenant.slug }));
    assert.equal(res.status, 409);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['a missing organization name', { organizationName: undefined }, 'organizationName'],
    ['an empty admin name', { adminName: '   ' }, 'adminName'],
    ['an oversized organization name', { organizationName: 'x'.repeat(101) }, 'organizationName'],
    ['a control character in a name', { adminName: 'Ada\u0000Lovelace' }, 'adminName'],
    ['a too short slug', { tenant: 'ab' }, 'tenant'],
    ['an uppercase slug with symbols', { tenant: 'Acme_Corp!' }, 'tenant'],
    ['a reserved slug', { tenant: 'admin' }, 'tenant'],
    ['a double hyphen', { tenant: 'ac--me' }, 'tenant'],
    ['a malformed email', { adminEmail: 'not-an-email' }, 'adminEmail'],
    ['an oversized email', { adminEmail: `${'a'.repeat(250)}@example.com` }, 'adminEmail'],
    ['a short password', { adminPassword: 'short' }, 'adminPassword'],
    ['a common password', { adminPassword: 'qwerty123456' }, 'adminPassword'],
    ['the email as password', { adminPassword: 'ada.lovelace@example.com', adminEmail: 'ada.lovelace@example.com' }, 'adminPassword'],
    ['a number where text belongs', { organizationName: 42 }, 'organizationName'],
    ['an oversized password', { adminPassword: 'x'.repeat(1025) }, 'adminPassword'],
  ];
  for (const [name, overrides, field] of invalid) {
    test(`refuses ${name} with 400 naming ${field}`, async () => {
      const body = { ...signupBody(), ...overrides };
      const res = await client().postJson('/api/signup', body);
      assert.equal(res.status, 400, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.ok(res.json<{ errors: Record<string, string> }>().errors[field], res.body);
      assert.deepEqual(await mailTo(String(body.adminEmail)), [], 'no mail for a refused signup');
    });
  }

  const malformed: Array<[string, string, string, number]> = [
    ['a body that is not JSON', '{"tenant":', 'application/json', 400],
    ['a JSON array', '[]', 'application/json', 400],
    ['JSON null', 'null', 'application/json', 400],
    ['a form instead of JSON', 'tenant=acme', 'application/x-www-form-urlencoded', 415],
    ['text/plain (a cross-site form trick)', '{"tenant":"x"}', 'text/plain', 415],
    ['an oversized body', JSON.stringify({ ...signupBody(), organizationName: 'x'.repeat(70_000) }), 'application/json', 413],
  ];
  for (const [name, body, type, status] of malformed) {
    test(`refuses ${name} with ${status}`, async () => {
      const res = await client().send('POST', '/api/signup', body, { 'content-type': type });
      assert.equal(res.status, status, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.doesNotMatch(res.body, /at \/|Error:|stack/);
    });
  }

  for (const [name, query] of [['a missing token', ''], ['a garbled token', '?token=%3Cscript%3E'], ['an unknown token', `?token=${'A'.repeat(43)}`], ['two tokens', `?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`]]) {
    test(`answers ${name} with 400 invalid_link`, async () => {
      const res = await client().get(`/signup/confirm${query}`, { accept: 'application/json' });
      assert.equal(res.status, 400);
      assert.equal(res.json().code, 'invalid_link');
    });
  }

  test('a link past its 24 hours no longer works, and its slug can be claimed again', async () => {
    const ports = portsFromEnvironment();
    const deps = { ...ports, mailer: ports.mailer };
    const body = signupBody();
    const context = { clientIp: '127.0.0.1', userAgent: 'test', correlationId: 'expiry-test-0001', now: Date.now() };
    assert.deepEqual(await requestSignup(deps, body, context), { status: 'pending' });
    const token = confirmationTokenOf((await waitForMail(body.adminEmail)).body.text!)!;
    const later = { ...context, now: context.now + 24 * 3600_000 + 1 };
    assert.equal(await confirmSignup(deps, token, later), undefined);
    assert.deepEqual(await requestSignup(deps, { ...body, adminEmail: `other-${body.adminEmail}` }, later), { status: 'pending' });
  });

  test('signup is rate limited per client address', async () => {
    const c = client();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await c.postJson('/api/signup', signupBody({ adminPassword: 'short' }))).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400));
    const limited = await c.postJson('/api/signup', signupBody());
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await client().postJson('/api/signup', signupBody({ adminPassword: 'short' }))).status, 400, 'another address is not limited');
  });
});

describe('the signup console (/signup)', () => {
  test('renders a form with a CSRF token and labelled fields, and re-renders problems escaped', async () => {
    const c = client();
    const page = await c.get('/signup');
    assert.equal(page.status, 200);
    for (const name of ['organizationName', 'tenant', 'adminName', 'adminEmail', 'adminPassword']) assert.match(page.body, new RegExp(`<label for="f-${name}"`));
    const csrf = csrfTokenOf(page.body);
    const res = await c.postForm('/signup', { csrf, organizationName: '<img src=x onerror=alert(1)>', tenant: 'BAD SLUG', adminName: 'A', adminEmail: 'x', adminPassword: 'short' });
    assert.equal(res.status, 400);
    assert.ok(!res.body.includes('<img src=x'), 'user input is escaped');
    assert.match(res.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(res.body, /aria-invalid="true"/);
    assert.ok(!res.body.includes('value="short"'), 'the password is never echoed');
  });

  test('refuses a post without a CSRF token, or with one from another browser', async () => {
    const c = client();
    const fields = signupBody() as Record<string, string>;
    assert.equal((await c.postForm('/signup', fields)).status, 403);
    const other = client();
    const csrf = csrfTokenOf((await other.get('/signup')).body);
    assert.equal((await c.postForm('/signup', { ...fields, csrf })).status, 403);
    await c.get('/signup');
    assert.equal((await c.postForm('/signup', { ...fields, csrf: 'A'.repeat(43) })).status, 403);
  });

  test('a valid form answers "check your email" and sends the mail', async () => {
    const c = client();
    const csrf = csrfTokenOf((await c.get('/signup')).body);
    const fields = signupBody() as Record<string, string>;
    const res = await c.postForm('/signup', { ...fields, csrf });
    assert.equal(res.status, 200);
    assert.match(res.body, /Check your email/);
    assert.ok(await waitForMail(fields.adminEmail!));
  });

  test('refuses a field sent twice', async () => {
    const c = client();
    const csrf = csrfTokenOf((await c.get('/signup')).body);
    const body = `${new URLSearchParams({ ...(signupBody() as Record<string, string>), csrf })}&tenant=other`;
    const res = await c.send('POST', '/signup', body, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 400);
  });

  test('leaves no pending tenants behind for refused forms', async () => {
    const db = createDocumentClient();
    const slug = signupBody().tenant;
    const c = client();
    const csrf = csrfTokenOf((await c.get('/signup')).body);
    await c.postForm('/signup', { ...(signupBody({ tenant: slug, adminPassword: 'short' }) as Record<string, string>), csrf });
    const { Items = [] } = await db.send(new ScanCommand({ TableName: 'Directory', FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TENANT#${slug}` } }));
    assert.deepEqual(Items, []);
  });
});
