import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant } from '../../support/signup.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const http = () => webClient(sharedRuntime.url);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

interface Registered {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
}

async function registered(metadata: Record<string, unknown> = {}) {
  const tenant = await signUpTenant();
  const client = (await registerClient(tenant, { grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], scope: 'openid email', ...metadata })) as unknown as Registered;
  return { tenant, client, path: new URL(client.registration_client_uri).pathname };
}

const clientCredentials = (slug: string, id: string, secret: string) => http().postForm(`/t/${slug}/oauth2/token`, { grant_type: 'client_credentials', scope: 'email' }, basic(id, secret));

describe('client configuration endpoint (RFC 7592)', () => {
  test('registration returns a registration access token and URI; the token reads the configuration without the secret', async () => {
    const { tenant, client, path } = await registered();
    assert.equal(client.registration_client_uri, `${tenant.issuer}/oauth2/register/${client.client_id}`);
    const res = await http().get(path, bearer(client.registration_access_token));
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    assert.equal(body.client_id, client.client_id);
    assert.deepEqual(body.redirect_uris, [callbackUri]);
    assert.equal(body.client_secret, undefined, 'the secret was shown once');
    assert.equal(body.registration_access_token, undefined, 'and so was the token');
  });

  test('an update replaces the metadata, keeps the secret, and takes effect at once', async () => {
    const { tenant, client, path } = await registered();
    const res = await http().send('PUT', path, JSON.stringify({ client_id: client.client_id, client_name: 'Renamed', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid' }), { 'content-type': 'application/json', ...bearer(client.registration_access_token) });
    assert.equal(res.status, 200, res.body);
    const body = res.json();
    assert.equal(body.client_name, 'Renamed');
    assert.deepEqual(body.redirect_uris, ['https://app.example/cb']);
    assert.equal(body.client_secret, undefined);
    const narrowed = await clientCredentials(tenant.slug, client.client_id, client.client_secret!);
    assert.equal(narrowed.json().error, 'invalid_scope', 'the email scope was removed');
    const read = await http().get(path, bearer(client.registration_access_token));
    assert.equal(read.json().client_name, 'Renamed');
  });

  test('moving a public client to secret authentication issues a secret once', async () => {
    const { client, path } = await registered({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });
    assert.equal(client.client_secret, undefined);
    const res = await http().send('PUT', path, JSON.stringify({ client_id: client.client_id, redirect_uris: [callbackUri], token_endpoint_auth_method: 'client_secret_basic' }), { 'content-type': 'application/json', ...bearer(client.registration_access_token) });
    assert.equal(res.status, 200, res.body);
    assert.match(String(res.json().client_secret), /^[A-Za-z0-9_-]{43}$/);
  });

  const refusedUpdates: Array<[string, (c: Registered) => Record<string, unknown>, string]> = [
    ['without client_id', () => ({ redirect_uris: [callbackUri] }), 'invalid_request'],
    ['with another client_id', () => ({ client_id: 'someone-else', redirect_uris: [callbackUri] }), 'invalid_request'],
    ['with a wrong client_secret', (c) => ({ client_id: c.client_id, client_secret: 'guess', redirect_uris: [callbackUri] }), 'invalid_request'],
    ['with a fragment in a redirect URI', (c) => ({ client_id: c.client_id, redirect_uris: ['https://app.example/cb#x'] }), 'invalid_client_metadata'],
    ['with an unknown scope', (c) => ({ client_id: c.client_id, redirect_uris: [callbackUri], scope: 'openid root' }), 'invalid_client_metadata'],
  ];
  for (const [name, body, error] of refusedUpdates) {
    test(`refuses an update ${name} and changes nothing`, async () => {
      const { client, path } = await registered();
      const res = await http().send('PUT', path, JSON.stringify(body(client)), { 'content-type': 'application/json', ...bearer(client.registration_access_token) });
      assert.equal(res.status, 400, res.body);
      assert.equal(res.json().error, error);
      assert.deepEqual((await http().get(path, bearer(client.registration_access_token))).json().redirect_uris, [callbackUri]);
    });
  }

  test('a wrong token, another client’s token, the admin token and another tenant’s path are all refused alike', async () => {
    const a = await registered();
    const b = await registered();
    const sameTenant = (await registerClient(a.tenant)) as unknown as Registered;
    const attempts: Array<[string, Record<string, string>]> = [
      [a.path, bearer('x'.repeat(43))],
      [a.path, bearer(sameTenant.registration_access_token)],
      [a.path, {}],
      [`/t/${b.tenant.slug}/oauth2/register/${a.client.client_id}`, bearer(a.client.registration_access_token)],
      [`/t/${a.tenant.slug}/oauth2/register/${'n'.repeat(22)}`, bearer(a.client.registration_access_token)],
      [`/t/${a.tenant.slug}/oauth2/register/${'%2e%2e%2f'}`, bearer(a.client.registration_access_token)],
    ];
    for (const [path, headers] of attempts) {
      for (const method of ['GET', 'DELETE']) {
        const res = await http().send(method, path, undefined, headers);
        assert.ok(res.status === 401 || res.status === 404, `${method} ${path}: ${res.status}`);
        assert.doesNotMatch(res.body, /client_name|redirect_uris/);
      }
    }
    assert.equal((await http().get(a.path, bearer(a.client.registration_access_token))).status, 200, 'nothing was deleted');
  });

  test('delete removes the client: its secret stops working and the configuration is gone', async () => {
    const { tenant, client, path } = await registered();
    assert.equal((await clientCredentials(tenant.slug, client.client_id, client.client_secret!)).status, 200);
    const res = await http().send('DELETE', path, undefined, bearer(client.registration_access_token));
    assert.equal(res.status, 204);
    assert.equal((await clientCredentials(tenant.slug, client.client_id, client.client_secret!)).status, 401);
    assert.equal((await http().get(path, bearer(client.registration_access_token))).status, 401);
    assert.equal((await http().send('DELETE', path, undefined, bearer(client.registration_access_token))).status, 401, 'a second delete is refused');
  });

  test('malformed bodies answer with the protocol’s error, never a 500', async () => {
    const { client, path } = await registered();
    for (const [body, type] of [['{', 'application/json'], ['[]', 'application/json'], ['client_id=x', 'application/x-www-form-urlencoded'], ['x'.repeat(2_000_000), 'application/json']] as const) {
      const res = await http().send('PUT', path, body, { 'content-type': type, ...bearer(client.registration_access_token) });
      assert.ok(res.status >= 400 && res.status < 500, `${type} ${body.slice(0, 10)}: ${res.status}`);
    }
  });
});
