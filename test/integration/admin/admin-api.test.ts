import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, signInThrough } from '../../support/oidc-flows.ts';
import { adminApi, managementToken } from '../../support/admin-api.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant } from '../../support/signup.ts';
import { webClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const newUser = (suffix: string) => ({ emails: [{ value: `user-${suffix}@example.com`, verified: true }], name: { givenName: 'Ada', familyName: 'Lovelace' }, password: 'a long and unusual passphrase 77' });
const problem = (res: WebResponse) => {
  assert.match(String(res.headers['content-type']), /application\/problem\+json/, res.body);
  return res.json<{ status: number; code: string; detail: string; errors?: Array<{ path: string }> }>();
};

describe('admin API: users', () => {
  test('create, read, list, change with ETags, and delete a user; the new user can sign in', async () => {
    const a = await adminApi();
    const created = await a.call('POST', '/users', newUser('one'));
    assert.equal(created.status, 201, created.body);
    const user = created.json<{ id: string; userName: string; version: number; emails: Array<{ primary: boolean }> }>();
    assert.equal(user.userName, 'user-one@example.com');
    assert.equal(user.emails[0]!.primary, true);
    assert.equal(created.headers.etag, '"v1"');
    assert.equal(created.headers.location, `/t/${a.tenant.slug}/api/v1/users/${user.id}`);
    assert.doesNotMatch(created.body, /password|argon2/i, 'no credential comes back');

    const login = webClient(sharedRuntime.url);
    const page = await login.get(`/t/${a.tenant.slug}/login`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const posted = await login.postForm(`/t/${a.tenant.slug}/login`, { csrf, identifier: 'USER-ONE@example.com', password: newUser('one').password });
    assert.equal(posted.status, 200, 'the created user signs in with the password set by the administrator');

    const list = await a.call('GET', '/users?limit=200');
    assert.equal(list.status, 200);
    assert.ok(list.json<{ items: Array<{ id: string }> }>().items.some((u) => u.id === user.id));

    const changed = await a.call('PATCH', `/users/${user.id}`, { name: { givenName: 'Augusta' } }, { 'if-match': '"v1"' });
    assert.equal(changed.status, 200, changed.body);
    assert.equal(changed.headers.etag, '"v2"');
    const stale = await a.call('PATCH', `/users/${user.id}`, { locale: 'fr' }, { 'if-match': '"v1"' });
    assert.equal(stale.status, 412);
    assert.equal(problem(stale).code, 'precondition_failed');

    const read = await a.call('GET', `/users/${user.id}`);
    assert.equal(read.json<{ name: { givenName: string } }>().name.givenName, 'Augusta');
    assert.equal(read.headers.etag, '"v2"');

    // null removes an optional field; a required one (or a list) cannot be removed that way.
    assert.equal((await a.call('PATCH', `/users/${user.id}`, { phoneNumber: '+4915112345678', locale: 'fr', displayName: 'Ada' })).status, 200);
    for (const refused of [{ userName: null }, { emails: null }, { name: null }, { phoneNumber: '' }]) {
      const res = await a.call('PATCH', `/users/${user.id}`, refused);
      assert.equal(res.status, 400, JSON.stringify(refused));
    }
    const removed = await a.call('PATCH', `/users/${user.id}`, { phoneNumber: null, locale: null }, { 'if-match': '"v3"' });
    assert.equal(removed.status, 200, removed.body);
    const after = removed.json<Record<string, unknown>>();
    assert.deepEqual([after.phoneNumber, after.locale, after.displayName], [undefined, undefined, 'Ada']);
    assert.deepEqual(Object.keys((await a.call('GET', `/users/${user.id}`)).json<Record<string, unknown>>()).filter((k) => k === 'phoneNumber' || k === 'locale'), []);

    assert.equal((await a.call('DELETE', `/users/${user.id}`, undefined, { 'if-match': '"v4"' })).status, 204);
    assert.equal((await a.call('GET', `/users/${user.id}`)).status, 404);
    const again = await login.postForm(`/t/${a.tenant.slug}/login`, { csrf, identifier: 'user-one@example.com', password: newUser('one').password });
    assert.equal(again.status, 401, 'a deleted user cannot sign in');
  });

  test('refuses invalid users with field errors, and a taken email with 409, changing nothing', async () => {
    const a = await adminApi();
    const cases: Array<[unknown, string]> = [
      [{ emails: [] }, 'emails'],
      [{ emails: [{ value: 'not-an-email' }] }, 'emails.0.value'],
      [{ ...newUser('x'), password: 'password' }, 'password'],
      [{ ...newUser('x'), role: 'god' }, '(body)'],
      [{ ...newUser('x'), phoneNumber: '12345' }, 'phoneNumber'],
      [{ emails: [{ value: 'a@example.com' }, { value: 'A@example.com' }] }, 'emails.1.value'],
    ];
    for (const [body, path] of cases) {
      const res = await a.call('POST', '/users', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.ok(problem(res).errors?.some((e) => e.path === path), `${path} named in ${res.body}`);
    }
    assert.equal((await a.call('POST', '/users', newUser('dup'))).status, 201);
    const taken = await a.call('POST', '/users', { emails: [{ value: 'USER-DUP@example.com' }] });
    assert.equal(taken.status, 409);
    const admin = await a.call('POST', '/users', { emails: [{ value: a.tenant.adminEmail }] });
    assert.equal(admin.status, 409, 'the administrator’s email is taken too');
    const asUserName = await a.call('POST', '/users', { userName: a.tenant.adminEmail, emails: [{ value: 'other@example.com' }] });
    assert.equal(asUserName.status, 409, 'user names and emails share one login index');
    for (const [body, type] of [['{', 'application/json'], ['[]', 'application/json'], ['emails=x', 'application/x-www-form-urlencoded']] as const) {
      const res = await a.raw('POST', '/users', body, type);
      assert.ok(res.status === 400 || res.status === 415, `${body}: ${res.status}`);
    }
  });

  test('lock ends sessions and stops sign-in; unlock restores it; setting a password works and is audited without the secret', async () => {
    const a = await adminApi();
    const user = (await a.call('POST', '/users', newUser('lock'))).json<{ id: string }>();
    const browser = webClient(sharedRuntime.url);
    const page = await browser.get(`/t/${a.tenant.slug}/login`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf, identifier: 'user-lock@example.com', password: newUser('lock').password })).status, 200);
    const sessions = await a.call('GET', `/users/${user.id}/sessions`);
    assert.equal(sessions.json<{ items: unknown[] }>().items.length, 1);

    const locked = await a.call('POST', `/users/${user.id}/lock`);
    assert.equal(locked.status, 200, locked.body);
    assert.equal(locked.json<{ status: string }>().status, 'locked');
    assert.equal((await a.call('GET', `/users/${user.id}/sessions`)).json<{ items: unknown[] }>().items.length, 0, 'the session ended');
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf, identifier: 'user-lock@example.com', password: newUser('lock').password })).status, 401);

    assert.equal((await a.call('POST', `/users/${user.id}/unlock`)).json<{ status: string }>().status, 'active');
    const weak = await a.call('PUT', `/users/${user.id}/password`, { password: 'short' });
    assert.equal(weak.status, 400);
    const set = await a.call('PUT', `/users/${user.id}/password`, { password: 'another quite long passphrase 99' });
    assert.equal(set.status, 200, set.body);
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf, identifier: 'user-lock@example.com', password: 'another quite long passphrase 99' })).status, 200);

    const events = (await auditEventsOf(a.tenant.slug)).filter((e) => e.subject === user.id);
    for (const type of ['user.created', 'user.locked', 'user.unlocked', 'user.password_set']) assert.ok(events.some((e) => e.type === type && e.actor.kind === 'client'), `${type} by the management client`);
    assert.doesNotMatch(JSON.stringify(events), /passphrase|argon2/, 'no password or hash in the trail');
    const lockEvent = events.find((e) => e.type === 'user.locked')!;
    assert.deepEqual(lockEvent.details, { before: { status: 'active' }, after: { status: 'locked' } }, 'a before/after diff of what changed');
  });

  test('ends one session or all of a user’s sessions', async () => {
    const a = await adminApi();
    const user = (await a.call('POST', '/users', newUser('sess'))).json<{ id: string }>();
    for (let i = 0; i < 2; i++) {
      const browser = webClient(sharedRuntime.url);
      const page = await browser.get(`/t/${a.tenant.slug}/login`);
      await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!, identifier: 'user-sess@example.com', password: newUser('sess').password });
    }
    const listed = (await a.call('GET', `/users/${user.id}/sessions`)).json<{ items: Array<{ id: string }> }>().items;
    assert.equal(listed.length, 2);
    assert.equal((await a.call('DELETE', `/users/${user.id}/sessions/${listed[0]!.id}`)).status, 204);
    assert.equal((await a.call('DELETE', `/users/${user.id}/sessions/${listed[0]!.id}`)).status, 404);
    assert.equal((await a.call('GET', `/users/${user.id}/sessions`)).json<{ items: unknown[] }>().items.length, 1);
    assert.equal((await a.call('DELETE', `/users/${user.id}/sessions`)).status, 204);
    assert.equal((await a.call('GET', `/users/${user.id}/sessions`)).json<{ items: unknown[] }>().items.length, 0);
  });

  test('pages through users with cursors; a foreign or broken cursor is refused', async () => {
    const a = await adminApi();
    for (let i = 0; i < 4; i++) assert.equal((await a.call('POST', '/users', { emails: [{ value: `page-${i}@example.com` }] })).status, 201);
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await a.call('GET', `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, res.body);
      const page = res.json<{ items: Array<{ id: string }>; next_cursor?: string }>();
      for (const u of page.items) seen.add(u.id);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(seen.size, 5, 'four users and the administrator');
    const b = await adminApi();
    const bCursor = (await b.call('GET', '/users?limit=1')).json<{ next_cursor?: string }>().next_cursor;
    for (const bad of [bCursor ?? 'x', 'not a cursor', Buffer.from('{"pk":{"S":"x"}}').toString('base64url')]) {
      const res = await a.call('GET', `/users?cursor=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, `${bad}: ${res.body}`);
    }
    for (const limit of ['0', '201', 'ten', '-1']) assert.equal((await a.call('GET', `/users?limit=${limit}`)).status, 400);
  });

  test('finds the one user an email or username names (exact), and nobody of another tenant', async () => {
    const a = await adminApi();
    const b = await adminApi();
    const found = (login: string, api = a) => api.call('GET', `/users?login=${encodeURIComponent(login)}`).then((r) => r.json<{ items: Array<{ id: string; userName: string }> }>().items);
    assert.deepEqual((await found(a.tenant.adminEmail)).length, 1);
    assert.deepEqual((await found(a.tenant.adminEmail.toUpperCase())).length, 1, 'emails match without case');
    assert.deepEqual(await found('ada'), [], 'no partial matches');
    assert.deepEqual(await found(a.tenant.adminEmail, b), [], 'tenant B does not find tenant A\'s administrator');
    for (const bad of ['', 'x'.repeat(257)]) assert.equal((await a.call('GET', `/users?login=${bad}`)).status, 400);
    assert.equal((await a.call('GET', '/users?login=a&login=b')).status, 400, 'sent twice');
  });

  test('the last active administrator cannot be deleted, locked or disabled; with another one they can', async () => {
    const a = await adminApi();
    const me = (await a.call('GET', `/users?login=${encodeURIComponent(a.tenant.adminEmail)}`)).json<{ items: Array<{ id: string }> }>().items[0]!;
    for (const [method, path, body] of [['DELETE', `/users/${me.id}`], ['POST', `/users/${me.id}/lock`], ['PATCH', `/users/${me.id}`, { status: 'disabled' }]] as const) {
      const res = await a.call(method, path, body);
      assert.equal(res.status, 409, `${method} ${path}: ${res.body}`);
      assert.equal(problem(res).code, 'last_administrator');
    }
    const other = (await a.call('POST', '/users', newUser(`admin2-${a.tenant.slug}`))).json<{ id: string }>();
    const admins = (await a.call('GET', '/groups')).json<{ items: Array<{ id: string; name: string }> }>().items.find((g) => g.name === 'administrators')!;
    assert.equal((await a.call('PUT', `/groups/${admins.id}/members/${other.id}`)).status, 204);
    assert.equal((await a.call('POST', `/users/${other.id}/lock`)).status, 200, 'another administrator may be locked while this one is active');
    assert.equal((await a.call('POST', `/users/${me.id}/lock`)).status, 409, 'a locked administrator is no way in');
    assert.equal((await a.call('POST', `/users/${other.id}/unlock`)).status, 200);
    assert.equal((await a.call('POST', `/users/${me.id}/lock`)).status, 200, 'now there is another active administrator');
  });

  test('a body nested thousands of levels deep is refused with 400, not a stack overflow', async () => {
    const a = await adminApi();
    // Written out by hand: JSON.stringify itself would run out of stack on such a value.
    const condition = `${'{"not":'.repeat(5000)}{"group":"x"}${'}'.repeat(5000)}`;
    const res = await a.raw('PUT', '/flows/default', `{"version":1,"steps":[{"options":["password"]}],"rules":[{"if":${condition},"then":{"deny":true}}]}`, 'application/json');
    assert.equal(res.status, 400, res.body.slice(0, 200));
    assert.match(problem(res).detail, /nested more than 64 levels/);
  });
});

describe('admin API: authorization', () => {
  test('a read-only token reads but cannot write', async () => {
    const t = await signUpTenant();
    const reader = await adminApi(t, 'admin:read');
    assert.equal((await reader.call('GET', '/users')).status, 200);
    const refused = await reader.call('POST', '/users', newUser('ro'));
    assert.equal(refused.status, 403);
    assert.equal(problem(refused).code, 'insufficient_scope');
    assert.match(String(refused.headers['www-authenticate']), /insufficient_scope/);
  });

  test('a token of tenant A gets 404 at tenant B, for reads and writes alike', async () => {
    const a = await adminApi();
    const b = await adminApi();
    const userOfB = (await b.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const aToken = await managementToken(a.tenant);
    const http = webClient(sharedRuntime.url);
    for (const [method, path] of [['GET', '/users'], ['GET', `/users/${userOfB}`], ['DELETE', `/users/${userOfB}`], ['GET', '/settings'], ['POST', '/keys/rotate']] as const) {
      const res = await http.send(method, `/t/${b.tenant.slug}/api/v1${path}`, undefined, { authorization: `Bearer ${aToken}` });
      assert.equal(res.status, 404, `${method} ${path}: ${res.status}`);
    }
    assert.equal((await b.call('GET', `/users/${userOfB}`)).status, 200, 'nothing was deleted');
  });

  test('no token, a garbage token, a UserInfo-audience token and a SCIM-only token are refused', async () => {
    const a = await adminApi();
    const http = webClient(sharedRuntime.url);
    const path = `/t/${a.tenant.slug}/api/v1/users`;
    assert.equal((await http.get(path)).status, 401);
    assert.equal((await http.get(path, { authorization: 'Bearer abc.def.ghi' })).status, 401);
    const scim = await managementToken(a.tenant, 'scim');
    assert.equal((await http.get(path, { authorization: `Bearer ${scim}` })).status, 401, 'a token for another resource server');
  });

  test('a user’s token with the admin scope works only while the user is an administrator', async () => {
    const a = await adminApi();
    const app = (await a.call('POST', '/applications', { client_name: 'Ops tool', redirect_uris: [callbackUri], scope: 'openid admin', first_party: true })).json<{ client_id: string; client_secret: string }>();
    const member = (await a.call('POST', '/users', newUser('member'))).json<{ id: string }>();
    const tokenFor = async (email: string, password: string) => {
      const url = new URL(`${a.tenant.issuer}/oauth2/authorize`);
      for (const [k, v] of Object.entries({ client_id: app.client_id, redirect_uri: callbackUri, response_type: 'code', scope: 'openid admin' })) url.searchParams.set(k, v);
      const callback = await signInThrough(url, { email, password });
      const res = await webClient(sharedRuntime.url).postForm(`/t/${a.tenant.slug}/oauth2/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: callbackUri }, { authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` });
      return res.json<{ access_token: string }>().access_token;
    };
    const http = webClient(sharedRuntime.url);
    const path = `/t/${a.tenant.slug}/api/v1/users`;
    const adminToken = await tokenFor(a.tenant.adminEmail, a.tenant.adminPassword);
    assert.equal((await http.get(path, { authorization: `Bearer ${adminToken}` })).status, 200, 'the administrator');
    const memberToken = await tokenFor('user-member@example.com', newUser('member').password);
    const refused = await http.get(path, { authorization: `Bearer ${memberToken}` });
    assert.equal(refused.status, 403, 'a user outside the administrators group');
    const admins = (await a.call('GET', '/groups')).json<{ items: Array<{ id: string; name: string }> }>().items.find((g) => g.name === 'administrators')!;
    assert.equal((await a.call('PUT', `/groups/${admins.id}/members/${member.id}`)).status, 204);
    assert.equal((await http.get(path, { authorization: `Bearer ${memberToken}` })).status, 200, 'now an administrator');
  });
});

describe('admin API: idempotency keys', () => {
  test('a replayed key returns the first result; the same key with another body is refused', async () => {
    const a = await adminApi();
    const first = await a.call('POST', '/users', newUser('idem'), { 'idempotency-key': 'create-idem-1' });
    assert.equal(first.status, 201);
    const replay = await a.call('POST', '/users', newUser('idem'), { 'idempotency-key': 'create-idem-1' });
    assert.equal(replay.status, 201, 'not 409: the first answer, again');
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json<{ id: string }>().id, first.json<{ id: string }>().id);
    const other = await a.call('POST', '/users', newUser('idem2'), { 'idempotency-key': 'create-idem-1' });
    assert.equal(other.status, 422);
    const b = await adminApi();
    const elsewhere = await b.call('POST', '/users', newUser('idem'), { 'idempotency-key': 'create-idem-1' });
    assert.equal(elsewhere.status, 201, 'keys are the caller’s own, per tenant');
    assert.notEqual(elsewhere.json<{ id: string }>().id, first.json<{ id: string }>().id);
  });

  test('concurrent requests with one key create one user', async () => {
    const a = await adminApi();
    const results = await Promise.all(Array.from({ length: 4 }, () => a.call('POST', '/users', newUser('race'), { 'idempotency-key': 'race-key' })));
    const created = results.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((r) => r.json<{ id: string }>().id)).size, 1);
    for (const r of results) assert.ok(r.status === 201 || r.status === 409, `${r.status}`);
    const users = (await a.call('GET', '/users?limit=200')).json<{ items: Array<{ userName: string }> }>().items;
    assert.equal(users.filter((u) => u.userName === 'user-race@example.com').length, 1);
  });
});
