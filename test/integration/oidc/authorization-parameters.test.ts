import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { adminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, registerClient, signInThrough } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../../support/signup.ts';
import { csrfTokenOf, webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Setup {
  tenant: SignedUpTenant;
  client: { client_id: string; client_secret?: string };
  browser: WebClient;
}

async function setup(metadata: Record<string, unknown> = {}, tenant?: SignedUpTenant): Promise<Setup> {
  const t = tenant ?? (await signUpTenant());
  return { tenant: t, client: await registerClient(t, metadata), browser: webClient(sharedRuntime.url) };
}

const authorizePath = (s: Setup, params: Record<string, string>) => {
  const url = new URL(`${s.tenant.issuer}/oauth2/authorize`);
  for (const [k, v] of Object.entries({ client_id: s.client.client_id, redirect_uri: callbackUri, response_type: 'code', scope: 'openid', state: 'st', ...params })) url.searchParams.append(k, v);
  return url;
};

const admin = (s: Setup) => ({ email: s.tenant.adminEmail, password: s.tenant.adminPassword });

async function tokensFor(s: Setup, callback: URL): Promise<{ id_token: string; access_token: string; refresh_token?: string }> {
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in ${callback}`);
  const res = await webClient(sharedRuntime.url).postForm(`/t/${s.tenant.slug}/oauth2/token`, { grant_type: 'authorization_code', code, redirect_uri: callbackUri }, { authorization: basic(s.client.client_id, s.client.client_secret!) });
  assert.equal(res.status, 200, res.body);
  return res.json();
}

const errorOf = (res: { status: number; headers: Record<string, unknown> }) => {
  assert.equal(res.status, 303);
  return new URL(String(res.headers.location)).searchParams.get('error');
};

describe('the claims request parameter (OIDC Core §5.5)', () => {
  test('releases claims asked for by name in the ID token and at UserInfo, beyond the scopes, and keeps them on refresh', async () => {
    const s = await setup();
    const claims = JSON.stringify({ id_token: { email: { essential: true }, unknown_claim: null }, userinfo: { email_verified: null, preferred_username: null } });
    const tokens = await tokensFor(s, await signInThrough(authorizePath(s, { scope: 'openid offline_access', claims }), admin(s), s.browser));
    const idToken = decodeJwt(tokens.id_token);
    assert.equal(idToken.email, s.tenant.adminEmail);
    assert.equal(idToken.unknown_claim, undefined, 'unknown claims are ignored');
    assert.equal(idToken.email_verified, undefined, 'claims asked for UserInfo only stay out of the ID token');

    const userinfo = await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/oauth2/userinfo`, { authorization: `Bearer ${tokens.access_token}` });
    const body = userinfo.json();
    assert.equal(body.email_verified, true);
    assert.ok(body.preferred_username);
    assert.equal(body.email, undefined, 'asked for in the ID token only');

    const refreshed = await webClient(sharedRuntime.url).postForm(`/t/${s.tenant.slug}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { authorization: basic(s.client.client_id, s.client.client_secret!) });
    assert.equal(decodeJwt(refreshed.json<{ id_token: string }>().id_token).email, s.tenant.adminEmail);
  });

  const malformed: Array<[string, Record<string, string>]> = [
    ['not JSON', { claims: '{email' }],
    ['a JSON array', { claims: '[]' }],
    ['a member that is not an object', { claims: '{"id_token":"email"}' }],
    ['a claim spec that is not an object', { claims: '{"id_token":{"email":true}}' }],
    ['essential that is not a boolean', { claims: '{"id_token":{"email":{"essential":"yes"}}}' }],
    ['no openid scope', { scope: 'offline_access', claims: '{"userinfo":{"email":null}}' }],
    ['an oversized value', { claims: JSON.stringify({ id_token: { email: { value: 'x'.repeat(3000) } } }) }],
  ];
  for (const [name, params] of malformed) {
    test(`answers a claims parameter with ${name} with invalid_request at the client`, async () => {
      const s = await setup();
      const url = authorizePath(s, params);
      assert.equal(errorOf(await s.browser.get(`${url.pathname}${url.search}`)), 'invalid_request');
    });
  }

  test('a third-party client must get consent for each claim asked for by name, and asking for a new one asks again', async () => {
    const s = await setup({ first_party: false });
    const url = authorizePath(s, { claims: JSON.stringify({ userinfo: { phone_number: null } }) });
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    const login = await s.browser.get(String(start.headers.location));
    const signedIn = await s.browser.postForm(`/t/${s.tenant.slug}/login`, { csrf: csrfTokenOf(login.body), tx: /name="tx" value="([^"]+)"/.exec(login.body)![1]!, identifier: s.tenant.adminEmail, password: s.tenant.adminPassword });
    const resumed = await s.browser.get(String(signedIn.headers.location));
    const consent = await s.browser.get(String(resumed.headers.location));
    assert.match(consent.body, /Your phone number/);
    const allowed = await s.browser.postForm(`/t/${s.tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consent.body), tx: /name="tx" value="([^"]+)"/.exec(consent.body)![1]!, decision: 'allow' });
    assert.ok(new URL(String(allowed.headers.location)).searchParams.get('code'));

    const same = authorizePath(s, { claims: JSON.stringify({ userinfo: { phone_number: null } }) });
    assert.ok(new URL(String((await s.browser.get(`${same.pathname}${same.search}`)).headers.location)).searchParams.get('code'), 'remembered');
    const more = authorizePath(s, { claims: JSON.stringify({ id_token: { email: null } }), prompt: 'none' });
    assert.equal(errorOf(await s.browser.get(`${more.pathname}${more.search}`)), 'consent_required', 'a new claim needs consent');
  });

  test('discovery says the claims parameter is supported', async () => {
    const s = await setup();
    const config = (await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/.well-known/openid-configuration`)).json();
    assert.equal(config.claims_parameter_supported, true);
    assert.ok((config.prompt_values_supported as string[]).includes('select_account'));
  });
});

describe('id_token_hint and login_hint at the authorization endpoint', () => {
  test('a hint naming the signed-in user lets prompt=none answer with a code', async () => {
    const s = await setup();
    const { id_token } = await tokensFor(s, await signInThrough(authorizePath(s, {}), admin(s), s.browser));
    const url = authorizePath(s, { prompt: 'none', id_token_hint: id_token });
    const res = await s.browser.get(`${url.pathname}${url.search}`);
    assert.ok(new URL(String(res.headers.location)).searchParams.get('code'));
  });

  test('a hint naming another user than the one signed in: prompt=none answers login_required, otherwise the user must sign in as the hinted one', async () => {
    const s = await setup();
    const other = { email: 'second@example.com', password: 'an unrelated long passphrase 31' };
    const created = await (await adminApi(s.tenant)).call('POST', '/users', { emails: [{ value: other.email }], password: other.password });
    assert.equal(created.status, 201, created.body);
    const adminHint = (await tokensFor(s, await signInThrough(authorizePath(s, {}), admin(s), webClient(sharedRuntime.url)))).id_token;

    await signInThrough(authorizePath(s, {}), other, s.browser);
    const silent = authorizePath(s, { prompt: 'none', id_token_hint: adminHint });
    assert.equal(errorOf(await s.browser.get(`${silent.pathname}${silent.search}`)), 'login_required');

    const url = authorizePath(s, { id_token_hint: adminHint });
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    const login = await s.browser.get(String(start.headers.location));
    assert.match(login.body, /<h1>Sign in<\/h1>/, 'the signed-in user is not the hinted one: sign in');
    const tx = /name="tx" value="([^"]+)"/.exec(login.body)![1]!;
    const asOther = await s.browser.postForm(`/t/${s.tenant.slug}/login`, { csrf: csrfTokenOf(login.body), tx, identifier: other.email, password: other.password });
    assert.equal(errorOf(await s.browser.get(String(asOther.headers.location))), 'login_required', 'signing in as someone else does not satisfy the hint');

    const again = await s.browser.get(`${url.pathname}${url.search}`);
    const form = await s.browser.get(String(again.headers.location));
    const asAdmin = await s.browser.postForm(`/t/${s.tenant.slug}/login`, { csrf: csrfTokenOf(form.body), tx: /name="tx" value="([^"]+)"/.exec(form.body)![1]!, identifier: s.tenant.adminEmail, password: s.tenant.adminPassword });
    const resumed = await s.browser.get(String(asAdmin.headers.location));
    const tokens = await tokensFor(s, new URL(String(resumed.headers.location)));
    assert.equal(decodeJwt(tokens.id_token).sub, decodeJwt(adminHint).sub);
  });

  test('refuses as a hint: garbage, an access token, and an ID token of another tenant', async () => {
    const s = await setup();
    const other = await setup();
    const mine = await tokensFor(s, await signInThrough(authorizePath(s, {}), admin(s), s.browser));
    const theirs = await tokensFor(other, await signInThrough(authorizePath(other, {}), admin(other), other.browser));
    for (const hint of ['not-a-jwt', mine.access_token, theirs.id_token, 'x'.repeat(9000)]) {
      const url = authorizePath(s, { id_token_hint: hint });
      assert.equal(errorOf(await s.browser.get(`${url.pathname}${url.search}`)), 'invalid_request', `hint ${hint.slice(0, 20)}…`);
    }
  });

  test('login_hint fills in the identifier on the login page, escaped', async () => {
    const s = await setup();
    const url = authorizePath(s, { login_hint: 'ada@example.com"><script>' });
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    const login = await s.browser.get(String(start.headers.location));
    assert.match(login.body, /value="ada@example.com&quot;&gt;&lt;script&gt;"/);
  });
});

describe('pages on the way to an application', () => {
  test('let their forms reach that application’s origin only (CSP form-action holds every redirect after a POST)', async () => {
    const s = await setup({ first_party: false });
    const url = authorizePath(s, {});
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    const login = await s.browser.get(String(start.headers.location));
    assert.match(String(login.headers['content-security-policy']), /form-action 'self' http:\/\/127\.0\.0\.1:9;/);
    const plain = await webClient(sharedRuntime.url).get(`/t/${s.tenant.slug}/login`);
    assert.match(String(plain.headers['content-security-policy']), /form-action 'self';/, 'the login page on its own lets forms go nowhere else');
    const signedIn = await s.browser.postForm(`/t/${s.tenant.slug}/login`, { csrf: csrfTokenOf(login.body), tx: /name="tx" value="([^"]+)"/.exec(login.body)![1]!, identifier: s.tenant.adminEmail, password: s.tenant.adminPassword });
    const consent = await s.browser.get(String((await s.browser.get(String(signedIn.headers.location))).headers.location));
    assert.match(String(consent.headers['content-security-policy']), /form-action 'self' http:\/\/127\.0\.0\.1:9;/);
  });
});

describe('prompt=select_account', () => {
  async function chooser(s: Setup): Promise<{ csrf: string; tx: string; body: string }> {
    await signInThrough(authorizePath(s, {}), admin(s), s.browser);
    const url = authorizePath(s, { prompt: 'select_account' });
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    assert.match(String(start.headers.location), /\/login\?tx=/, 'a signed-in user is asked to choose');
    const page = await s.browser.get(String(start.headers.location));
    assert.match(page.body, /<h1>Choose an account<\/h1>/);
    return { csrf: csrfTokenOf(page.body), tx: /name="tx" value="([^"]+)"/.exec(page.body)![1]!, body: page.body };
  }

  test('continuing as the signed-in user answers with a code, without a password', async () => {
    const s = await setup();
    const { csrf, tx, body } = await chooser(s);
    assert.ok(body.includes(`Continue as ${s.tenant.adminEmail}`));
    const chosen = await s.browser.postForm(`/t/${s.tenant.slug}/login/select`, { csrf, tx, account: 'current' });
    const resumed = await s.browser.get(String(chosen.headers.location));
    assert.ok(new URL(String(resumed.headers.location)).searchParams.get('code'));
  });

  test('using another account shows the login form, and signing in again answers with a code', async () => {
    const s = await setup();
    const { csrf, tx } = await chooser(s);
    const chosen = await s.browser.postForm(`/t/${s.tenant.slug}/login/select`, { csrf, tx, account: 'another' });
    const login = await s.browser.get(String(chosen.headers.location));
    assert.match(login.body, /<h1>Sign in<\/h1>/);
    const signedIn = await s.browser.postForm(`/t/${s.tenant.slug}/login`, { csrf: csrfTokenOf(login.body), tx, identifier: s.tenant.adminEmail, password: s.tenant.adminPassword });
    const resumed = await s.browser.get(String(signedIn.headers.location));
    assert.ok(new URL(String(resumed.headers.location)).searchParams.get('code'));
  });

  test('resume does not skip the chooser, and the chooser refuses a missing CSRF token, a bad choice and another tenant’s transaction', async () => {
    const s = await setup();
    const { csrf, tx } = await chooser(s);
    const skipped = await s.browser.get(`/t/${s.tenant.slug}/oauth2/authorize/resume?tx=${tx}`);
    assert.match(String(skipped.headers.location), /\/login\?tx=/, 'straight to resume goes back to the chooser');
    assert.equal((await s.browser.postForm(`/t/${s.tenant.slug}/login/select`, { tx, account: 'current' }, { accept: 'text/html' })).status, 403);
    assert.equal((await s.browser.postForm(`/t/${s.tenant.slug}/login/select`, { csrf, tx, account: 'admin' }, { accept: 'text/html' })).status, 400);
    const other = await setup();
    const foreign = await other.browser.postForm(`/t/${other.tenant.slug}/login/select`, { csrf, tx, account: 'current' }, { accept: 'text/html' });
    assert.ok(foreign.status === 400 || foreign.status === 403, `another tenant's transaction: ${foreign.status}`);
  });

  test('without a session, select_account simply shows the login form', async () => {
    const s = await setup();
    const url = authorizePath(s, { prompt: 'select_account' });
    const start = await s.browser.get(`${url.pathname}${url.search}`);
    const page = await s.browser.get(String(start.headers.location));
    assert.match(page.body, /<h1>Sign in<\/h1>/);
  });
});
