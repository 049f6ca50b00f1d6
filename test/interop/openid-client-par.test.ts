import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('Pushed Authorization Requests (RFC 9126)', () => {
  test('openid-client pushes the request and signs in with the request_uri; a client that requires PAR cannot skip it', async () => {
    const tenant = await signUpTenant();
    const registered = await registerClient(tenant, { require_pushed_authorization_requests: true });
    const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, registered.client_secret!, undefined, insecure);
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const params = { redirect_uri: callbackUri, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256', state: 'par' };
    const url = await oidc.buildAuthorizationUrlWithPAR(config, params);
    assert.match(url.searchParams.get('request_uri')!, /^urn:ietf:params:oauth:request_uri:/);
    const callback = await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword });
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState: 'par' });
    assert.equal(tokens.claims()?.email, tenant.adminEmail);

    const plain = oidc.buildAuthorizationUrl(config, params);
    const res = await webClient(sharedRuntime.url).get(`${plain.pathname}${plain.search}`);
    assert.equal(new URL(String(res.headers.location)).searchParams.get('error'), 'invalid_request');

    const again = await webClient(sharedRuntime.url).get(`${url.pathname}${url.search}`, { accept: 'text/html' });
    assert.equal(again.status, 400, 'a request_uri works once');
  });

  test('refuses pushes that /authorize would refuse, as JSON, and request_uris of another client', async () => {
    const tenant = await signUpTenant();
    const a = await registerClient(tenant);
    const b = await registerClient(tenant);
    const push = (client: typeof a, fields: Record<string, string>) =>
      webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/par`, { response_type: 'code', redirect_uri: callbackUri, scope: 'openid', ...fields }, { authorization: basic(client.client_id, client.client_secret!) });
    const bad = await push(a, { redirect_uri: 'https://evil.example/cb' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error, 'invalid_request');
    assert.equal((await push(a, { response_type: 'token' })).json().error, 'unsupported_response_type');
    assert.equal((await push(a, { client_id: b.client_id })).json().error, 'invalid_request');
    const unauthenticated = await webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/par`, { client_id: a.client_id, response_type: 'code', redirect_uri: callbackUri, scope: 'openid' });
    assert.equal(unauthenticated.status, 401);

    const ok = await push(a, {});
    assert.equal(ok.status, 201);
    assert.equal(ok.json().expires_in, 60);
    const uri = String(ok.json().request_uri);
    const stolen = await webClient(sharedRuntime.url).get(`/t/${tenant.slug}/oauth2/authorize?client_id=${b.client_id}&request_uri=${encodeURIComponent(uri)}`, { accept: 'text/html' });
    assert.equal(stolen.status, 400, 'another client cannot use it');
    const owner = await webClient(sharedRuntime.url).get(`/t/${tenant.slug}/oauth2/authorize?client_id=${a.client_id}&request_uri=${encodeURIComponent(uri)}`);
    assert.equal(owner.status, 303, 'and its attempt did not spend it for the owner');
    assert.match(String(owner.headers.location), /\/login\?tx=/);
  });
});
