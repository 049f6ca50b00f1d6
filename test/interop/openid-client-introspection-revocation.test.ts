import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';

async function signedIn(tenant: SignedUpTenant) {
  const registered = await registerClient(tenant);
  const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, registered.client_secret!, undefined, insecure);
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid email offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256', state: 's' });
  const callback = await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword });
  return { config, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState: 's' }) };
}

describe('openid-client: introspection (RFC 7662) and revocation (RFC 7009)', () => {
  test('introspects its own access and refresh tokens as active', async () => {
    const { config, tokens } = await signedIn(await signUpTenant());
    const access = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(access.active, true);
    assert.equal(access.client_id, config.clientMetadata().client_id);
    assert.equal(access.token_type, 'Bearer');
    const refresh = await oidc.tokenIntrospection(config, tokens.refresh_token!);
    assert.equal(refresh.active, true);
    assert.equal(refresh.scope, 'openid email offline_access');
  });

  test('another client of the tenant sees the tokens as inactive', async () => {
    const tenant = await signUpTenant();
    const { tokens } = await signedIn(tenant);
    const other = await registerClient(tenant);
    const otherConfig = await oidc.discovery(new URL(tenant.issuer), other.client_id, other.client_secret!, undefined, insecure);
    assert.equal((await oidc.tokenIntrospection(otherConfig, tokens.access_token)).active, false);
    assert.equal((await oidc.tokenIntrospection(otherConfig, tokens.refresh_token!)).active, false);
  });

  test('revoking a refresh token revokes its family and the access tokens issued from it', async () => {
    const { config, tokens } = await signedIn(await signUpTenant());
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    assert.equal((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active, false);
    for (const access of [tokens.access_token, refreshed.access_token]) assert.equal((await oidc.tokenIntrospection(config, access)).active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    const userinfo = await webClient(sharedRuntime.url).get(new URL(config.serverMetadata().userinfo_endpoint!).pathname, { authorization: `Bearer ${refreshed.access_token}` });
    assert.equal(userinfo.status, 401);
  });

  test('revoking an access token leaves the refresh token working; unknown tokens revoke quietly', async () => {
    const { config, tokens } = await signedIn(await signUpTenant());
    await oidc.tokenRevocation(config, tokens.access_token);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
    assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active, true);
    await oidc.tokenRevocation(config, 'not-a-token-at-all');
    await oidc.tokenRevocation(config, 'x'.repeat(43));
  });

  test('another client cannot revoke someone else’s token', async () => {
    const tenant = await signUpTenant();
    const { config, tokens } = await signedIn(tenant);
    const other = await registerClient(tenant);
    const otherConfig = await oidc.discovery(new URL(tenant.issuer), other.client_id, other.client_secret!, undefined, insecure);
    await oidc.tokenRevocation(otherConfig, tokens.refresh_token!);
    assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active, true);
  });

  test('introspection and revocation refuse an unauthenticated caller', async () => {
    const tenant = await signUpTenant();
    for (const endpoint of ['introspect', 'revoke']) {
      const res = await webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/${endpoint}`, { token: 'x' });
      assert.equal(res.status, 401);
      assert.equal(res.json().error, 'invalid_client');
    }
  });
});
