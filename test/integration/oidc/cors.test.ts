import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, managementToken } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const spa = 'https://spa.example';

describe('CORS for single-page applications (the tenant’s allowed origins)', () => {
  test('an allowed origin may call token, UserInfo and revocation from the browser, errors included; others get no CORS headers', async () => {
    const api = await adminApi();
    const patched = await api.call('PATCH', '/settings', { allowedOrigins: [spa, 'http://localhost:5173'] });
    assert.equal(patched.status, 200, patched.body);
    const http = webClient(sharedRuntime.url);
    const path = (p: string) => `/t/${api.tenant.slug}/oauth2/${p}`;

    // Warm functions see settings at most TENANT_CACHE_TTL_MS old (1 s in the test runtime).
    const preflight = await eventually('the new origin in effect', async () => {
      const res = await http.send('OPTIONS', path('token'), undefined, { origin: spa, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
      return res.headers['access-control-allow-origin'] ? res : undefined;
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], spa);
    assert.equal(preflight.headers['access-control-allow-methods'], 'POST');
    assert.match(String(preflight.headers['access-control-allow-headers']), /content-type/);
    assert.equal(preflight.headers['access-control-allow-credentials'], undefined, 'no cookies cross-origin');

    const refused = await http.postForm(path('token'), { grant_type: 'authorization_code', code: 'nope', redirect_uri: 'https://spa.example/cb', client_id: api.tenant.clientId }, { origin: spa });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['access-control-allow-origin'], spa, 'the application can read the OAuth error');
    assert.match(String(refused.headers.vary), /Origin/);

    const token = await managementToken(api.tenant);
    const userinfo = await http.get(path('userinfo'), { origin: 'http://localhost:5173', authorization: `Bearer ${token}` });
    assert.equal(userinfo.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.equal((await http.send('OPTIONS', path('userinfo'), undefined, { origin: spa })).headers['access-control-allow-methods'], 'GET, POST');
    assert.equal((await http.postForm(path('revoke'), { token: 'x' }, { origin: spa })).headers['access-control-allow-origin'], spa);

    for (const origin of ['https://evil.example', 'https://spa.example.evil.example', 'null', 'https://SPA.example']) {
      const res = await http.send('OPTIONS', path('token'), undefined, { origin });
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
    }
    const authorize = await http.get(`${path('authorize')}?client_id=x`, { origin: spa });
    assert.equal(authorize.headers['access-control-allow-origin'], undefined, 'never on the authorization endpoint');

    const other = await adminApi();
    assert.equal((await http.send('OPTIONS', `/t/${other.tenant.slug}/oauth2/token`, undefined, { origin: spa })).headers['access-control-allow-origin'], undefined, 'another tenant does not allow it');
  });

  test('origins are exact: paths, wildcards, plain http off localhost and duplicates are refused or folded', async () => {
    const api = await adminApi();
    for (const bad of [['*'], ['https://spa.example/'], ['https://*.example.com'], ['http://spa.example'], ['https://spa.example/app'], ['javascript:alert(1)']]) {
      const res = await api.call('PATCH', '/settings', { allowedOrigins: bad });
      assert.equal(res.status, 400, `${bad[0]}: ${res.body}`);
    }
    const ok = await api.call('PATCH', '/settings', { allowedOrigins: [spa, spa] });
    assert.deepEqual(ok.json<{ allowedOrigins: string[] }>().allowedOrigins, [spa]);
  });
});
