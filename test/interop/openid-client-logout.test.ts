import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../support/signup.ts';
import { csrfTokenOf, webClient, type WebClient } from '../support/web-client.ts';

const loggedOutUri = 'http://127.0.0.1:9/logged-out';

/** A client's back-channel logout endpoint: a real listener that records logout tokens. */
let received: Array<{ path: string; token: string }> = [];
let failPaths = new Set<string>();
let listenerUrl = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', token: new URLSearchParams(body).get('logout_token') ?? '' });
    res.writeHead(failPaths.has(req.url ?? '') ? 500 : 200).end();
  });
});
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  listenerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function loginWith(tenant: SignedUpTenant, browser: WebClient, path: string) {
  const registered = await registerClient(tenant, { backchannel_logout_uri: `${listenerUrl}${path}`, post_logout_redirect_uris: [loggedOutUri] });
  const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, registered.client_secret!, undefined, insecure);
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256', state: 's' });
  const callback = await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword }, browser);
  return { config, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState: 's' }) };
}

const signedIn = async (browser: WebClient, tenant: SignedUpTenant) => /You are signed in/.test((await browser.get(`/t/${tenant.slug}/login`)).body);

describe('logout: RP-initiated (OIDC RP-Initiated Logout 1.0) and back-channel (OIDC Back-Channel Logout 1.0)', () => {
  test('ends the session, tells every client that joined it with a signed logout token, and returns with state', async () => {
    received = [];
    const tenant = await signUpTenant();
    const browser = webClient(sharedRuntime.url);
    const a = await loginWith(tenant, browser, '/a');
    const b = await loginWith(tenant, browser, '/b');
    const sid = a.tokens.claims()!.sid;
    assert.equal(b.tokens.claims()!.sid, sid, 'one SSO session, two clients');

    const end = oidc.buildEndSessionUrl(a.config, { id_token_hint: a.tokens.id_token!, post_logout_redirect_uri: loggedOutUri, state: 'bye' });
    const res = await browser.get(`${end.pathname}${end.search}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `${loggedOutUri}?state=bye`);
    assert.equal(await signedIn(browser, tenant), false, 'the SSO session is gone');

    assert.deepEqual(received.map((r) => r.path).sort(), ['/a', '/b']);
    const jwks = createRemoteJWKSet(new URL(`${tenant.issuer}/oauth2/jwks`));
    for (const { path, token } of received) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: tenant.issuer, typ: 'logout+jwt' });
      assert.equal(payload.aud, (path === '/a' ? a : b).config.clientMetadata().client_id);
      assert.equal(payload.sid, sid);
      assert.equal(payload.sub, a.tokens.claims()!.sub);
      assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
      assert.equal(payload.nonce, undefined);
      assert.equal(protectedHeader.typ, 'logout+jwt');
    }
  });

  test('without an id_token_hint asks the user first; the confirmation is CSRF-protected', async () => {
    const tenant = await signUpTenant();
    const browser = webClient(sharedRuntime.url);
    const { config } = await loginWith(tenant, browser, '/c');
    const ask = await browser.get(`/t/${tenant.slug}/oauth2/logout?client_id=${config.clientMetadata().client_id}&post_logout_redirect_uri=${encodeURIComponent(loggedOutUri)}`);
    assert.equal(ask.status, 200);
    assert.match(ask.body, /Sign out\?/);
    assert.equal(await signedIn(browser, tenant), true, 'a link alone signs nobody out');
    assert.equal((await browser.postForm(`/t/${tenant.slug}/oauth2/logout`, { post_logout_redirect_uri: loggedOutUri })).status, 403);
    const done = await browser.postForm(`/t/${tenant.slug}/oauth2/logout`, { csrf: csrfTokenOf(ask.body), client_id: String(config.clientMetadata().client_id), post_logout_redirect_uri: loggedOutUri });
    assert.equal(done.status, 303);
    assert.equal(await signedIn(browser, tenant), false);
  });

  test('refuses an unregistered post-logout URI and a hint from another tenant, leaving the session alone', async () => {
    const [tenant, other] = [await signUpTenant(), await signUpTenant()];
    const browser = webClient(sharedRuntime.url);
    const { tokens } = await loginWith(tenant, browser, '/d');
    const foreign = await loginWith(other, webClient(sharedRuntime.url), '/e');
    const cases = [
      `id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      `id_token_hint=${foreign.tokens.id_token}`,
      `id_token_hint=${tokens.id_token}x`,
      `id_token_hint=${tokens.id_token}&id_token_hint=${tokens.id_token}`,
      `id_token_hint=${tokens.access_token}`,
    ];
    for (const query of cases) {
      const res = await browser.get(`/t/${tenant.slug}/oauth2/logout?${query}`, { accept: 'text/html' });
      assert.equal(res.status, 400, query.slice(0, 40));
      assert.equal(res.headers.location, undefined);
    }
    assert.equal(await signedIn(browser, tenant), true);
  });

  test('a client whose back-channel endpoint fails does not keep the user signed in', async () => {
    received = [];
    failPaths = new Set(['/down']);
    const tenant = await signUpTenant();
    const browser = webClient(sharedRuntime.url);
    await loginWith(tenant, browser, '/down');
    const res = await browser.get(`/t/${tenant.slug}/login/logout`);
    assert.equal(res.status, 200);
    assert.equal(await signedIn(browser, tenant), false);
    assert.deepEqual(received.map((r) => r.path), ['/down'], 'the hosted logout notifies clients too');
  });
});
