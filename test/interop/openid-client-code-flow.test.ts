import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';

describe('openid-client (v6): authorization code + PKCE against a tenant', () => {
  test('signs in through the hosted login and gets ID, access and refresh tokens, UserInfo, and rotates the refresh token', async () => {
    const tenant = await signUpTenant();
    const registered = await registerClient(tenant);
    const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, registered.client_secret!, undefined, insecure);

    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUri,
      scope: 'openid email profile offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword });
    assert.equal(callback.searchParams.get('iss'), tenant.issuer, 'RFC 9207 iss in the response');

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, tenant.issuer);
    assert.equal(claims.aud, registered.client_id);
    assert.equal(claims.email, tenant.adminEmail);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.ok(claims.sid && claims.auth_time);
    assert.ok(tokens.refresh_token);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.email, tenant.adminEmail);
    assert.equal(userinfo.email_verified, true);
    assert.equal(userinfo.name, 'Ada Lovelace');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
    assert.equal(refreshed.claims()?.sub, claims.sub);

    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant', 'the old token is spent');
    await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant', 'reuse revoked the whole family');
  });

  test('a public client (no secret) with PKCE, and form_post response mode', async () => {
    const tenant = await signUpTenant();
    const registered = await registerClient(tenant, { token_endpoint_auth_method: 'none', scope: 'openid email' });
    const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, undefined, oidc.None(), insecure);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', response_mode: 'form_post', state: 'st' });
    const browser = webClient(sharedRuntime.url);
    await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword }, browser).catch(() => undefined);
    const page = await browser.get(`${url.pathname}${url.search}`);
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`<form method="post" action="${callbackUri}">`));
    assert.match(String(page.headers['content-security-policy']), /form-action 'self' http:\/\/127\.0\.0\.1:9/);
    const code = /name="code" value="([^"]+)"/.exec(page.body)![1]!;
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${callbackUri}?code=${code}&state=st&iss=${encodeURIComponent(tenant.issuer)}`), { pkceCodeVerifier: codeVerifier, expectedState: 'st' });
    assert.equal(tokens.claims()?.email, tenant.adminEmail);
    assert.equal(tokens.refresh_token, undefined, 'no offline_access, no refresh token');
  });
});
