import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant } from '../support/signup.ts';

// The local runtime speaks plain http; openid-client refuses that unless told (its README's allowInsecureRequests).
const insecure = { execute: [oidc.allowInsecureRequests] };

describe('openid-client (v6) as a client of a tenant', () => {
  test('discovers the tenant and gets an RFC 9068 access token with client credentials', async () => {
    const tenant = await signUpTenant();
    const config = await oidc.discovery(new URL(tenant.issuer), tenant.clientId, tenant.clientSecret, undefined, insecure);
    assert.equal(config.serverMetadata().issuer, tenant.issuer);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'admin' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'admin');
    assert.ok(tokens.expires_in! > 0 && tokens.expires_in! <= 600);

    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: tenant.issuer, audience: `${tenant.issuer}/api/v1`, typ: 'at+jwt' });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.client_id, tenant.clientId);
    assert.equal(payload.sub, tenant.clientId);
    assert.equal(payload.scope, 'admin');
    assert.ok(payload.jti);
  });

  test('gets every granted scope by default, each resource server named once as an audience', async () => {
    const tenant = await signUpTenant();
    const config = await oidc.discovery(new URL(tenant.issuer), tenant.clientId, tenant.clientSecret, undefined, insecure);
    const tokens = await oidc.clientCredentialsGrant(config);
    assert.equal(tokens.scope, 'admin admin:read scim');
    const jwks = createRemoteJWKSet(new URL(`${tenant.issuer}/oauth2/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: tenant.issuer });
    assert.deepEqual(payload.aud, [`${tenant.issuer}/api/v1`, `${tenant.issuer}/scim2`]);
  });

  test('a token from tenant A does not verify with tenant B’s keys, nor as B’s issuer', async () => {
    const [a, b] = [await signUpTenant(), await signUpTenant()];
    const config = await oidc.discovery(new URL(a.issuer), a.clientId, a.clientSecret, undefined, insecure);
    const { access_token } = await oidc.clientCredentialsGrant(config, { scope: 'admin' });
    await assert.rejects(jwtVerify(access_token, createRemoteJWKSet(new URL(`${b.issuer}/oauth2/jwks`))));
    await assert.rejects(oidc.discovery(new URL(b.issuer), a.clientId, a.clientSecret, undefined, insecure).then((c) => oidc.clientCredentialsGrant(c)), (error: Error & { error?: string }) => error.error === 'invalid_client');
  });

  test('the discovery document lists only what this provider supports', async () => {
    const tenant = await signUpTenant();
    const res = await fetch(`${sharedRuntime.url}/t/${tenant.slug}/.well-known/openid-configuration`);
    const metadata = await res.json();
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(!metadata.grant_types_supported.includes('password'));
    assert.ok(!metadata.grant_types_supported.includes('implicit'));
    const rfc8414 = await (await fetch(`${sharedRuntime.url}/t/${tenant.slug}/.well-known/oauth-authorization-server`)).json();
    assert.equal(rfc8414.issuer, metadata.issuer);
  });
});
