import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../../support/signup.ts';
import { webClient } from '../../support/web-client.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function token(tenant: SignedUpTenant, body: string, headers: Record<string, string> = {}) {
  return webClient(sharedRuntime.url).send('POST', `/t/${tenant.slug}/oauth2/token`, body, { 'content-type': 'application/x-www-form-urlencoded', ...headers });
}

describe('POST /t/{tenant}/oauth2/token: client credentials and client authentication', () => {
  test('issues a token with client_secret_basic, never cached', async () => {
    const t = await signUpTenant();
    const res = await token(t, 'grant_type=client_credentials&scope=scim', { authorization: basic(t.clientId, t.clientSecret) });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.pragma, 'no-cache');
    const body = res.json();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'scim');
  });

  test('also accepts the secret in the form (client_secret_post)', async () => {
    const t = await signUpTenant();
    const res = await token(t, `grant_type=client_credentials&client_id=${t.clientId}&client_secret=${encodeURIComponent(t.clientSecret)}`);
    assert.equal(res.status, 200, res.body);
  });

  const cases: Array<[string, (t: SignedUpTenant, other: SignedUpTenant) => [string, Record<string, string>], number, string]> = [
    ['a wrong secret', (t) => ['grant_type=client_credentials', { authorization: basic(t.clientId, `${t.clientSecret}x`) }], 401, 'invalid_client'],
    ['an unknown client', () => ['grant_type=client_credentials', { authorization: basic('mgmt_nobody', 'secret') }], 401, 'invalid_client'],
    ['another tenant’s client', (_t, o) => ['grant_type=client_credentials', { authorization: basic(o.clientId, o.clientSecret) }], 401, 'invalid_client'],
    ['no client authentication', () => ['grant_type=client_credentials', {}], 401, 'invalid_client'],
    ['a posted client_secret that is wrong', (t) => [`grant_type=client_credentials&client_id=${t.clientId}&client_secret=wrong`, {}], 401, 'invalid_client'],
    ['two authentication methods at once', (t) => [`grant_type=client_credentials&client_secret=${t.clientSecret}`, { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_request'],
    ['a client_id that contradicts Basic', (t, o) => [`grant_type=client_credentials&client_id=${o.clientId}`, { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_request'],
    ['malformed Basic credentials', () => ['grant_type=client_credentials', { authorization: 'Basic bm9jb2xvbg==' }], 401, 'invalid_client'],
    ['the password grant', (t) => ['grant_type=password&username=a&password=b', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'unsupported_grant_type'],
    ['an implicit-style grant', (t) => ['grant_type=implicit', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'unsupported_grant_type'],
    ['a missing grant_type', (t) => ['scope=admin', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_request'],
    ['grant_type twice', (t) => ['grant_type=client_credentials&grant_type=client_credentials', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_request'],
    ['a scope the client was not granted', (t) => ['grant_type=client_credentials&scope=admin%20openid', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_scope'],
    ['a malformed scope', (t) => ['grant_type=client_credentials&scope=%22admin%22', { authorization: basic(t.clientId, t.clientSecret) }], 400, 'invalid_scope'],
    ['an oversized client id', () => ['grant_type=client_credentials', { authorization: basic('x'.repeat(5000), 's') }], 401, 'invalid_client'],
  ];
  for (const [name, make, status, error] of cases) {
    test(`answers ${name} with ${status} ${error}`, async () => {
      const [t, other] = [await signUpTenant(), await signUpTenant()];
      const [body, headers] = make(t, other);
      const res = await token(t, body, headers);
      assert.equal(res.status, status, res.body);
      assert.equal(res.json().error, error);
      assert.equal(typeof res.json().error_description, 'string');
      if (status === 401 && headers.authorization) assert.match(String(res.headers['www-authenticate']), /^Basic /);
    });
  }

  test('answers a JSON body with invalid_request in OAuth’s own JSON, not a page', async () => {
    const t = await signUpTenant();
    const res = await webClient(sharedRuntime.url).postJson(`/t/${t.slug}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(t.clientId, t.clientSecret) });
    assert.equal(res.status, 415);
    assert.equal(res.json().error, 'invalid_request');
  });

  test('answers an unknown tenant with 404 in OAuth’s JSON', async () => {
    const res = await webClient(sharedRuntime.url).send('POST', '/t/no-such-tenant/oauth2/token', 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 404);
    assert.equal(res.json().error, 'invalid_request');
  });
});
