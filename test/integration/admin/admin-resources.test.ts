import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, insecure } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const idOf = (res: { json<T>(): T }) => res.json<{ id: string }>().id;

describe('admin API: groups and memberships', () => {
  test('create, rename, list members, add and remove users; names are unique per tenant', async () => {
    const a = await adminApi();
    const user = idOf(await a.call('POST', '/users', { emails: [{ value: 'member@example.com' }] }));
    const created = await a.call('POST', '/groups', { name: 'Engineering', description: 'Builders' });
    assert.equal(created.status, 201, created.body);
    const group = idOf(created);
    assert.equal((await a.call('POST', '/groups', { name: 'engineering' })).status, 409, 'names compare case-insensitively');

    assert.equal((await a.call('PUT', `/groups/${group}/members/${user}`)).status, 204);
    assert.equal((await a.call('PUT', `/groups/${group}/members/${user}`)).status, 204, 'adding twice is harmless');
    assert.deepEqual((await a.call('GET', `/groups/${group}/members`)).json<{ items: unknown[] }>().items, [{ userId: user }]);
    assert.deepEqual((await a.call('GET', `/users/${user}/groups`)).json<{ items: Array<{ name: string }> }>().items.map((g) => g.name), ['Engineering']);
    assert.equal((await a.call('PUT', `/groups/${group}/members/${'0'.repeat(8)}-0000-0000-0000-000000000000`)).status, 404, 'an unknown user');

    const renamed = await a.call('PATCH', `/groups/${group}`, { name: 'Platform' }, { 'if-match': created.headers.etag as string });
    assert.equal(renamed.status, 200, renamed.body);
    assert.equal((await a.call('POST', '/groups', { name: 'Engineering' })).status, 201, 'the old name is free again');
    assert.equal((await a.call('PATCH', `/groups/${group}`, { name: 'Again' }, { 'if-match': created.headers.etag as string })).status, 412, 'a stale ETag');

    assert.equal((await a.call('DELETE', `/groups/${group}/members/${user}`)).status, 204);
    assert.equal((await a.call('DELETE', `/groups/${group}/members/${user}`)).status, 404);
    assert.equal((await a.call('DELETE', `/groups/${group}`)).status, 204);
    assert.equal((await a.call('GET', `/groups/${group}`)).status, 404);

    const types = (await auditEventsOf(a.tenant.slug)).map((e) => e.type);
    for (const type of ['group.created', 'group.member_added', 'group.updated', 'group.member_removed', 'group.deleted']) assert.ok(types.includes(type), type);
  });

  test('the last administrator cannot be removed, nor the administrators group emptied or demoted', async () => {
    const a = await adminApi();
    const admins = (await a.call('GET', '/groups')).json<{ items: Array<{ id: string; name: string }> }>().items.find((g) => g.name === 'administrators')!;
    const [adminId] = (await a.call('GET', `/groups/${admins.id}/members`)).json<{ items: Array<{ userId: string }> }>().items.map((m) => m.userId);
    assert.equal((await a.call('DELETE', `/groups/${admins.id}/members/${adminId}`)).status, 409);
    assert.equal((await a.call('DELETE', `/groups/${admins.id}`)).status, 409);
    assert.equal((await a.call('PATCH', `/groups/${admins.id}`, { permissions: [] })).status, 409);
    const second = idOf(await a.call('POST', '/users', { emails: [{ value: 'second-admin@example.com' }] }));
    assert.equal((await a.call('PUT', `/groups/${admins.id}/members/${second}`)).status, 204);
    assert.equal((await a.call('DELETE', `/groups/${admins.id}/members/${adminId}`)).status, 204, 'with another administrator it can go');
  });

  test('a group of tenant B is not found through tenant A', async () => {
    const a = await adminApi();
    const b = await adminApi();
    const groupOfB = idOf(await b.call('POST', '/groups', { name: 'B only' }));
    const userOfA = idOf(await a.call('POST', '/users', { emails: [{ value: 'a-user@example.com' }] }));
    assert.equal((await a.call('GET', `/groups/${groupOfB}`)).status, 404);
    assert.equal((await a.call('PUT', `/groups/${groupOfB}/members/${userOfA}`)).status, 404);
    assert.equal((await b.call('PUT', `/groups/${groupOfB}/members/${userOfA}`)).status, 404, 'nor can B add A’s user');
  });
});

describe('admin API: settings', () => {
  test('reads and changes settings section by section, validated whole, with ETags; the login applies them', async () => {
    const a = await adminApi();
    const read = await a.call('GET', '/settings');
    assert.equal(read.status, 200);
    assert.equal(read.headers.etag, '"v0"');
    const changed = await a.call('PATCH', '/settings', { branding: { displayName: 'Acme <Sign-in>' }, lockout: { maxFailures: 3 } }, { 'if-match': '"v0"' });
    assert.equal(changed.status, 200, changed.body);
    const settings = changed.json<{ branding: { displayName: string; primaryColor: string }; lockout: { maxFailures: number; lockSeconds: number } }>();
    assert.equal(settings.branding.displayName, 'Acme <Sign-in>');
    assert.equal(settings.branding.primaryColor, read.json<{ branding: { primaryColor: string } }>().branding.primaryColor, 'untouched fields stay');
    assert.equal(settings.lockout.lockSeconds, 900);
    assert.equal((await a.call('PATCH', '/settings', { selfRegistration: true }, { 'if-match': '"v0"' })).status, 412);

    const tooLight = await a.call('PATCH', '/settings', { branding: { primaryColor: '#fab005' } });
    assert.equal(tooLight.status, 400);
    assert.match(tooLight.body, /contrast of 1\.9:1, below the 4\.5:1/, 'white button text on it would be unreadable');
    for (const bad of [{ lockout: { maxFailures: 0 } }, { branding: { primaryColor: 'red' } }, { branding: { logoUrl: 'http://insecure.example/logo.png' } }, { sessions: { idleSeconds: 86_400 * 20, absoluteSeconds: 86_400 } }, { theme: 'dark' }]) {
      const res = await a.call('PATCH', '/settings', bad);
      assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.body}`);
    }
    const event = (await auditEventsOf(a.tenant.slug)).find((e) => e.type === 'tenant.settings_changed')!;
    assert.deepEqual(Object.keys(event.details.after as object).sort(), ['branding', 'lockout']);
  });
});

describe('admin API: applications', () => {
  test('registers an application (secret once), lists, replaces, rotates its secret, and deletes it', async () => {
    const a = await adminApi();
    const created = await a.call('POST', '/applications', { client_name: 'Billing', redirect_uris: [callbackUri], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid email' });
    assert.equal(created.status, 201, created.body);
    const app = created.json<{ client_id: string; client_secret: string }>();
    assert.match(app.client_secret, /^[A-Za-z0-9_-]{43}$/);
    const read = await a.call('GET', `/applications/${app.client_id}`);
    assert.equal(read.json<{ client_secret?: string }>().client_secret, undefined, 'shown once');
    assert.ok((await a.call('GET', '/applications')).json<{ items: Array<{ client_id: string }> }>().items.some((c) => c.client_id === app.client_id));

    const replaced = await a.call('PUT', `/applications/${app.client_id}`, { client_name: 'Billing v2', redirect_uris: ['https://billing.example/cb'], grant_types: ['client_credentials'], scope: 'email' }, { 'if-match': read.headers.etag as string });
    assert.equal(replaced.status, 200, replaced.body);
    assert.equal((await a.call('PUT', `/applications/${app.client_id}`, { client_name: 'x', grant_types: ['client_credentials'] }, { 'if-match': read.headers.etag as string })).status, 412);

    const issuer = new URL(a.tenant.issuer);
    const tokenWith = async (secret: string) => {
      const config = await oidc.discovery(issuer, app.client_id, secret, undefined, insecure);
      return oidc.clientCredentialsGrant(config, { scope: 'email' }).then(() => 'ok', (e: Error) => e.message);
    };
    assert.equal(await tokenWith(app.client_secret), 'ok');
    const rotated = await a.call('POST', `/applications/${app.client_id}/secret`);
    assert.equal(rotated.status, 200, rotated.body);
    const newSecret = rotated.json<{ client_secret: string }>().client_secret;
    assert.notEqual(await tokenWith(app.client_secret), 'ok', 'the old secret stops working');
    assert.equal(await tokenWith(newSecret), 'ok');

    assert.equal((await a.call('DELETE', `/applications/${app.client_id}`)).status, 204);
    assert.notEqual(await tokenWith(newSecret), 'ok');
    assert.equal((await a.call('GET', `/applications/${app.client_id}`)).status, 404);
    const events = (await auditEventsOf(a.tenant.slug)).filter((e) => e.subject === `client:${app.client_id}` && e.type.startsWith('client.'));
    assert.deepEqual(events.map((e) => e.type).sort(), ['client.created', 'client.deleted', 'client.secret_rotated', 'client.updated']);
    assert.doesNotMatch(JSON.stringify(events), /secretHash|\$sha256\$/, 'no secret or hash in the trail');
  });

  test('refuses invalid metadata with field errors', async () => {
    const a = await adminApi();
    for (const bad of [{ redirect_uris: ['https://x.example/cb#frag'] }, { grant_types: ['password'] }, { redirect_uris: [callbackUri], scope: 'openid root' }, { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }]) {
      const res = await a.call('POST', '/applications', bad);
      assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.body}`);
      assert.ok(res.json<{ errors: unknown[] }>().errors.length > 0);
    }
  });
});

describe('admin API: signing keys', () => {
  test('lists keys without private parts, and rotating now makes the next key sign', async () => {
    const a = await adminApi();
    const before = (await a.call('GET', '/keys')).json<{ items: Array<{ kid: string; alg: string; state: string }> }>().items;
    assert.doesNotMatch(JSON.stringify(before), /"d"|sealed|PRIVATE/);
    const next = before.find((k) => k.alg === 'ES256' && k.state === 'next')!;
    const rotated = await a.call('POST', '/keys/rotate', { algorithms: ['ES256'] });
    assert.equal(rotated.status, 200, rotated.body);
    assert.deepEqual(rotated.json<{ items: unknown[] }>().items, [{ alg: 'ES256', result: 'rotated', activeKid: next.kid }]);
    const after = (await a.call('GET', '/keys')).json<{ items: Array<{ kid: string; state: string }> }>().items;
    assert.equal(after.find((k) => k.kid === next.kid)!.state, 'active');
    const jwks = (await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/oauth2/jwks`)).json<{ keys: Array<{ kid: string }> }>();
    assert.ok(jwks.keys.some((k) => k.kid === next.kid));
    assert.ok((await auditEventsOf(a.tenant.slug)).some((e) => e.type.startsWith('key.') && e.actor.kind === 'client'));
    const reader: AdminApi = await adminApi(a.tenant, 'admin:read');
    assert.equal((await reader.call('POST', '/keys/rotate')).status, 403);
  });
});
