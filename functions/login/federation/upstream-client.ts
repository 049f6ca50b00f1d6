import { importJWK, importPKCS8, SignJWT, type JWK } from 'jose';
import type { Configuration } from 'openid-client';
import { discoveredProvider, openIdClient } from '../../../shared/adapters/outbound/openid-provider.ts';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { OidcIdentityProvider } from '../../../shared/domain/federation/identity-provider.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';

/**
 * The platform as a relying party of an upstream OpenID Provider, through openid-client (which
 * checks the ID token: signature by the upstream's JWKS (non-repudiation checks on), issuer, audience, nonce, expiry, and
 * the authorization response's state and RFC 9207 `iss`). Every request goes through the SSRF
 * guard; discovery is kept per process for ten minutes, per provider version. The library loads
 * at the first federated sign-in, not at every cold start of the login function.
 */

export const callbackPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login/federated/callback`;

/** openid-client's client authentication for the provider's method, its secret or private key opened from the vault. */
async function clientAuthentication(deps: Pick<PlatformPorts, 'keyVault'>, idp: OidcIdentityProvider) {
  const oidc = await openIdClient();
  const vault = createSecureVault(deps.keyVault);
  // Providers stored before the method was a setting: a secret meant client_secret_basic.
  const method = idp.clientAuthentication ?? (idp.sealedClientSecret ? 'client_secret_basic' : 'none');
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && idp.sealedClientSecret) {
    const secret = await vault.openText('idp-client-secret', idp.tenant, idp.id, idp.sealedClientSecret);
    return method === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
  }
  if (method === 'apple_client_secret' && idp.sealedClientKey && idp.appleKey) {
    // Sign in with Apple's client secret: a JWT its key signs, here valid an hour (configurations are kept ten minutes).
    const key = await importPKCS8(await vault.openText('idp-client-key', idp.tenant, idp.id, idp.sealedClientKey), 'ES256');
    const secret = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: idp.appleKey.keyId }).setIssuer(idp.appleKey.teamId).setSubject(idp.clientId).setAudience(idp.issuer).setIssuedAt().setExpirationTime('1h').sign(key);
    return oidc.ClientSecretPost(secret);
  }
  if (method === 'private_key_jwt' && idp.sealedClientKey) {
    const jwk = JSON.parse(await vault.openText('idp-client-key', idp.tenant, idp.id, idp.sealedClientKey)) as JWK;
    return oidc.PrivateKeyJwt({ key: (await importJWK(jwk, 'ES256')) as CryptoKey, kid: jwk.kid! });
  }
  return oidc.None();
}

export function upstreamConfiguration(deps: Pick<PlatformPorts, 'keyVault'>, idp: OidcIdentityProvider): Promise<Configuration> {
  return discoveredProvider(`${idp.tenant}\n${idp.id}\n${idp.version}`, idp.issuer, idp.clientId, () => clientAuthentication(deps, idp));
}
