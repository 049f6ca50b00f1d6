import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { adminToken, callbackUri, registerClient, signInThrough } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../../support/signup.ts';
import { webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const verifier = () => randomBytes(32).toString('base64url');
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Setup {
  tenant: SignedUpTenant;
  client: { client_id: string; client_secret?: string };
  browser: WebClient;
}

async function setup(metadata: Record<string, unknown> = {}): Promise<Setup> {
  const tenant = await signUpTenant();
  return { tenant, client: await registerClient(tenant, metadata), browser: webClient(sharedRuntime.url) };
}

const authorizeUrl = (s: Setup, params: Record<string, string>) => {
  const url = new URL(`${s.tenant.issuer}/oauth2/authorize`);
  for (const [k, v] of Object.entries({ client_id: s.client.client_id, redirect_uri: callbackUri, response_type: 'code', scope: 'openid email offline_access', state: 'xyz', ...params })) url.searchParams.append(k, v);
  return url;
};

async function codeFor(s: Setup, params: Record<string, string> = {}): Promise<string> {
  const callback = await signInThrough(authorizeUrl(s, params), { email: s.tenant.adminEmail, password: s.tenant.adminPassword }, s.browser);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback}`);
  return code;
}

const token = (s: Setup, fields: Record<string, string>, client = s.client) =>
  webClient(sharedRuntime.url).postForm(`/t/${s.tenant.slug}/oauth2/token`, fields, client.client_secret ? { authorization: basic(client.client_id, client.client_secret) } : {});

describe('authorization code grant: RFC 9700 and conformance-suite negative cases', () => {
  test('rejects a reused code and revokes what the first redemption issued (RFC 6749 §4.1.2)', async () => {
    const s = await setup();
    const v = verifier();
    const code = await codeFor(s, { code_challenge: challengeOf(v), code_challenge_method: 'S256' });
    const first = await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri, code_verifier: v });
    assert.equal(first.status, 200);
    const { access_token, refresh_token } = first.json<{ access_token: string; refresh_token: string }>();
    const second = await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri, code_verifier: v });
    assert.equal(second.status, 400);
    assert.equal(second.json().error, 'invalid_grant');
    const userinfo = await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo`, { authorization: `Bearer ${access_token}` });
    assert.equal(userinfo.status, 401, 'the access token from the first redemption is revoked');
    const refreshed = await token(s, { grant_type: 'refresh_token', refresh_token });
    assert.equal(refreshed.json().error, 'invalid_grant', 'so is its refresh token');
  });

  test('a code presented twice at once: one request wins, and its access token is revoked all the same', async () => {
    const s = await setup();
    const code = await codeFor(s, { scope: 'openid email' });
    const fields = { grant_type: 'authorization_code', code, redirect_uri: callbackUri };
    const answers = await Promise.all([token(s, fields), token(s, fields)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400]);
    const { access_token } = answers.find((a) => a.status === 200)!.json<{ access_token: string }>();
    // The winner's token id is written with the redemption itself, so the loser finds it even mid-issue.
    const userinfo = await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo`, { authorization: `Bearer ${access_token}` });
    assert.equal(userinfo.status, 401);
  });

  test('rejects an expired code', async () => {
    const s = await setup();
    const code = await codeFor(s);
    await createDocumentClient().send(new UpdateCommand({ TableName: 'Sessions', Key: { pk: `TENANT#${s.tenant.slug}#CODE#${hashToken(code)}`, sk: 'CODE' }, UpdateExpression: 'SET codeExpiresAt = :past', ExpressionAttributeValues: { ':past': Date.now() - 1 } }));
    const res = await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri });
    assert.equal(res.json().error, 'invalid_grant');
  });

  const pkceCases: Array<[string, (v: string) => Record<string, string>, Record<string, string> | undefined]> = [
    ['a wrong code_verifier', () => ({ code_verifier: verifier() }), undefined],
    ['a missing code_verifier', () => ({}), undefined],
    ['a verifier for a code issued without a challenge (PKCE downgrade)', (v) => ({ code_verifier: v }), {}],
  ];
  for (const [name, fields, authParams] of pkceCases) {
    test(`rejects ${name}`, async () => {
      const s = await setup();
      const v = verifier();
      const code = await codeFor(s, authParams ?? { code_challenge: challengeOf(v), code_challenge_method: 'S256' });
      const res = await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri, ...fields(v) });
      assert.equal(res.status, 400);
      assert.equal(res.json().error, 'invalid_grant');
    });
  }

  test('rejects a redirect_uri at the token endpoint that differs from the authorization request', async () => {
    const s = await setup();
    const code = await codeFor(s);
    const res = await token(s, { grant_type: 'authorization_code', code, redirect_uri: `${callbackUri}/other` });
    assert.equal(res.json().error, 'invalid_grant');
  });

  test('rejects a code redeemed by another client of the same tenant', async () => {
    const s = await setup();
    const other = await registerClient(s.tenant);
    const code = await codeFor(s);
    const res = await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri }, other);
    assert.equal(res.json().error, 'invalid_grant');
  });

  test('rejects a code at another tenant', async () => {
    const s = await setup();
    const b = await setup();
    const code = await codeFor(s);
    const res = await webClient(sharedRuntime.url).postForm(`/t/${b.tenant.slug}/oauth2/token`, { grant_type: 'authorization_code', code, redirect_uri: callbackUri }, { authorization: basic(b.client.client_id, b.client.client_secret!) });
    assert.equal(res.json().error, 'invalid_grant');
  });

  test('refresh: another client cannot use the token, and a refresh cannot broaden the scope', async () => {
    const s = await setup();
    const other = await registerClient(s.tenant);
    const code = await codeFor(s, { scope: 'openid offline_access' });
    const { refresh_token } = (await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri })).json<{ refresh_token: string }>();
    assert.equal((await token(s, { grant_type: 'refresh_token', refresh_token }, other)).json().error, 'invalid_grant');
    const broader = await token(s, { grant_type: 'refresh_token', refresh_token, scope: 'openid offline_access email' });
    assert.equal(broader.json().error, 'invalid_scope');
    const ok = await token(s, { grant_type: 'refresh_token', refresh_token, scope: 'openid' });
    assert.equal(ok.status, 200, 'the token still works for its own client');
    assert.equal(ok.json().scope, 'openid');
  });
});

describe('authorization endpoint', () => {
  const redirectVariants = [
    ['an added query', `${callbackUri}?x=1`],
    ['a longer path', `${callbackUri}/more`],
    ['a different case', callbackUri.replace('callback', 'Callback')],
    ['userinfo', callbackUri.replace('http://', 'http://evil@')],
    ['a fragment', `${callbackUri}#frag`],
    ['a trailing slash', `${callbackUri}/`],
    ['another host', 'https://evil.example/callback'],
    ['another port on a confidential client', 'http://127.0.0.1:8080/callback'],
  ];
  for (const [name, uri] of redirectVariants) {
    test(`refuses a redirect URI with ${name} on an error page, never redirecting`, async () => {
      const s = await setup();
      const url = authorizeUrl(s, { redirect_uri: uri! });
      const res = await s.browser.get(`${url.pathname}${url.search}`, { accept: 'text/html' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(String(res.headers['content-type']), /text\/html/);
    });
  }

  test('lets a public (native) client use any loopback port, and only the loopback', async () => {
    const s = await setup({ token_endpoint_auth_method: 'none' });
    const v = verifier();
    const url = authorizeUrl(s, { redirect_uri: 'http://127.0.0.1:51234/callback', code_challenge: challengeOf(v), code_challenge_method: 'S256' });
    const callback = await signInThrough(url, { email: s.tenant.adminEmail, password: s.tenant.adminPassword }, s.browser);
    assert.equal(callback.origin, 'http://127.0.0.1:51234');
    assert.ok(callback.searchParams.get('code'));
  });

  test('refuses an unknown client on an error page', async () => {
    const s = await setup();
    const url = authorizeUrl(s, { client_id: 'nobody' });
    const res = await s.browser.get(`${url.pathname}${url.search}`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.location, undefined);
  });

  const redirected: Array<[string, Record<string, string>, string]> = [
    ['response_type=token (implicit)', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_type=code id_token (hybrid)', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['code_challenge_method=plain', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    ['a scope the client may not ask for', { scope: 'openid admin' }, 'invalid_scope'],
    ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'sudo' }, 'invalid_request'],
    ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    ['an oversized nonce', { nonce: 'n'.repeat(5000) }, 'invalid_request'],
    ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
  ];
  for (const [name, params, error] of redirected) {
    test(`answers ${name} with ${error} at the client's redirect URI, with state and iss`, async () => {
      const s = await setup();
      const url = authorizeUrl(s, params);
      const res = await s.browser.get(`${url.pathname}${url.search}`);
      assert.equal(res.status, 303);
      const location = new URL(String(res.headers.location));
      assert.equal(`${location.origin}${location.pathname}`, callbackUri);
      assert.equal(location.searchParams.get('error'), error);
      assert.equal(location.searchParams.get('state'), 'xyz');
      assert.equal(location.searchParams.get('iss'), s.tenant.issuer);
    });
  }

  test('answers a duplicated parameter with invalid_request', async () => {
    const s = await setup();
    const url = authorizeUrl(s, {});
    url.searchParams.append('scope', 'openid');
    const res = await s.browser.get(`${url.pathname}${url.search}`);
    assert.equal(new URL(String(res.headers.location)).searchParams.get('error'), 'invalid_request');
  });

  test('answers a duplicated client_id on an error page', async () => {
    const s = await setup();
    const url = authorizeUrl(s, {});
    url.searchParams.append('client_id', s.client.client_id);
    assert.equal((await s.browser.get(`${url.pathname}${url.search}`)).status, 400);
  });

  test('sends a signed-in user straight back; prompt=login and max_age=0 ask again', async () => {
    const s = await setup();
    await codeFor(s);
    const again = authorizeUrl(s, {});
    const direct = await s.browser.get(`${again.pathname}${again.search}`);
    assert.equal(direct.status, 303);
    assert.ok(new URL(String(direct.headers.location)).searchParams.get('code'), 'a code without a login page');
    for (const params of [{ prompt: 'login' }, { max_age: '0' }] as Array<Record<string, string>>) {
      const url = authorizeUrl(s, params);
      await new Promise((r) => setTimeout(r, 1100));
      const res = await s.browser.get(`${url.pathname}${url.search}`);
      assert.match(String(res.headers.location), /\/login\?tx=/);
      const login = await s.browser.get(String(res.headers.location));
      assert.match(login.body, /<h1>Sign in<\/h1>/, 'the login form, not the signed-in page');
    }
  });

  test('does not open the authorization endpoint to CORS, and redirects with 303', async () => {
    const s = await setup();
    const url = authorizeUrl(s, { response_type: 'token' });
    const res = await s.browser.get(`${url.pathname}${url.search}`, { origin: 'https://evil.example' });
    assert.equal(res.status, 303);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('resume with an unknown or another tenant’s transaction is refused', async () => {
    const s = await setup();
    const res = await s.browser.get(`/t/${s.tenant.slug}/oauth2/authorize/resume?tx=${'A'.repeat(32)}`, { accept: 'text/html' });
    assert.equal(res.status, 400);
  });
});

describe('UserInfo and registration', () => {
  test('refuses a token from another tenant, a token in the query, and no token', async () => {
    const s = await setup();
    const b = await setup();
    const code = await codeFor(s);
    const { access_token } = (await token(s, { grant_type: 'authorization_code', code, redirect_uri: callbackUri })).json<{ access_token: string }>();
    const atB = await webClient(sharedRuntime.url).get(`/t/${b.tenant.slug}/oauth2/userinfo`, { authorization: `Bearer ${access_token}` });
    assert.equal(atB.status, 401);
    assert.match(String(atB.headers['www-authenticate']), /^Bearer error="invalid_token"/);
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo?access_token=${access_token}`)).status, 400);
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo`)).status, 401);
    const viaPost = await webClient(sharedRuntime.url).postForm(`/t/${s.tenant.slug}/oauth2/userinfo`, { access_token });
    assert.equal(viaPost.status, 200);
  });

  test('refuses a client-credentials token at UserInfo (wrong audience)', async () => {
    const s = await setup();
    const res = await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo`, { authorization: `Bearer ${await adminToken(s.tenant)}` });
    assert.equal(res.status, 401);
  });

  test('registration needs this tenant’s admin token and valid metadata', async () => {
    const s = await setup();
    const b = await setup();
    const path = `/t/${s.tenant.slug}/oauth2/register`;
    const metadata = { redirect_uris: [callbackUri] };
    assert.equal((await webClient(sharedRuntime.url).postJson(path, metadata)).status, 401);
    assert.equal((await webClient(sharedRuntime.url).postJson(path, metadata, { authorization: `Bearer ${await adminToken(b.tenant)}` })).status, 401, 'another tenant’s admin token');
    const admin = { authorization: `Bearer ${await adminToken(s.tenant)}` };
    for (const bad of [{ redirect_uris: ['https://app.example/cb#x'] }, { redirect_uris: ['javascript:alert(1)'] }, { redirect_uris: [] }, { grant_types: ['password'] }, { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }, { redirect_uris: [callbackUri], scope: 'openid superuser' }]) {
      const res = await webClient(sharedRuntime.url).postJson(path, bad, admin);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.json().error, 'invalid_client_metadata');
    }
    const ok = await webClient(sharedRuntime.url).postJson(path, metadata, admin);
    assert.equal(ok.status, 201);
    assert.ok(ok.json().client_secret);
  });
});
