import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { insecure, registerClient } from '../support/oidc-flows.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';

async function keyClient(tenant: SignedUpTenant) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const registered = await registerClient(tenant, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, grant_types: ['client_credentials'], redirect_uris: [], scope: 'scim' });
  return { clientId: registered.client_id, privateKey, publicJwk: jwk, registered };
}

const assertion = (clientId: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({ jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(clientId).setSubject(clientId).setIssuedAt().setExpirationTime('2m');

const tokenWith = (tenant: SignedUpTenant, clientAssertion: string) =>
  webClient(sharedRuntime.url).postForm(`/t/${tenant.slug}/oauth2/token`, {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
  });

describe('private_key_jwt client authentication (RFC 7523, OIDC Core §9)', () => {
  test('openid-client authenticates with its private key', async () => {
    const tenant = await signUpTenant();
    const { clientId, privateKey, registered } = await keyClient(tenant);
    assert.equal(registered.client_secret, undefined, 'no secret for a key-authenticated client');
    const config = await oidc.discovery(new URL(tenant.issuer), clientId, undefined, oidc.PrivateKeyJwt(privateKey), insecure);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'scim' });
    assert.equal(tokens.scope, 'scim');
  });

  test('refuses assertions that a strict server must refuse', async () => {
    const tenant = await signUpTenant();
    const { clientId, privateKey } = await keyClient(tenant);
    const other = await signUpTenant();
    const { privateKey: strangerKey } = await generateKeyPair('ES256');
    const cases: Array<[string, () => Promise<string>]> = [
      ['the wrong audience', () => assertion(clientId).setAudience(`${tenant.issuer}/oauth2/token-x`).sign(privateKey)],
      ['another tenant as audience', () => assertion(clientId).setAudience(other.issuer).sign(privateKey)],
      ['an array audience', () => assertion(clientId).setAudience([tenant.issuer, 'https://other.example']).sign(privateKey)],
      ['no exp', () => new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256' }).setIssuer(clientId).setSubject(clientId).setAudience(tenant.issuer).sign(privateKey)],
      ['an expired assertion', () => assertion(clientId).setAudience(tenant.issuer).setExpirationTime(Math.floor(Date.now() / 1000) - 120).sign(privateKey)],
      ['a lifetime of a day', () => assertion(clientId).setAudience(tenant.issuer).setExpirationTime('1d').sign(privateKey)],
      ['alg none', async () => new UnsecuredJWT({ jti: randomUUID() }).setIssuer(clientId).setSubject(clientId).setAudience(tenant.issuer).setExpirationTime('2m').encode()],
      ['HS256 keyed with the public key', async () => {
        const { createHmac } = await import('node:crypto');
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
        const body = Buffer.from(JSON.stringify({ iss: clientId, sub: clientId, aud: tenant.issuer, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
        const mac = createHmac('sha256', JSON.stringify((await keyClient(tenant)).publicJwk)).update(`${header}.${body}`).digest('base64url');
        return `${header}.${body}.${mac}`;
      }],
      ['a key it never registered', () => assertion(clientId).setAudience(tenant.issuer).sign(strangerKey)],
      ['iss and sub that differ', () => assertion(clientId).setAudience(tenant.issuer).setSubject('someone-else').sign(privateKey)],
      ['garbage', async () => 'not.a.jwt'],
    ];
    for (const [name, make] of cases) {
      const res = await tokenWith(tenant, await make());
      assert.equal(res.status, 401, `${name}: ${res.body}`);
      assert.equal(res.json().error, 'invalid_client', name);
    }
  });

  test('refuses a replayed assertion (jti seen before)', async () => {
    const tenant = await signUpTenant();
    const { clientId, privateKey } = await keyClient(tenant);
    const once = await assertion(clientId).setAudience(tenant.issuer).sign(privateKey);
    assert.equal((await tokenWith(tenant, once)).status, 200);
    const replay = await tokenWith(tenant, once);
    assert.equal(replay.status, 401);
    assert.equal(replay.json().error, 'invalid_client');
  });

  test('registration refuses private keys in jwks and private_key_jwt without keys', async () => {
    const tenant = await signUpTenant();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    for (const metadata of [{ jwks: { keys: [await exportJWK(privateKey)] } }, {}]) {
      await assert.rejects(registerClient(tenant, { token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], redirect_uris: [], ...metadata }), /400/);
    }
  });
});
