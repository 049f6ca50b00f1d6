import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { KeyService } from '../keys/key-service.ts';
import type { GrantStore } from '../ports/grant-store.ts';
import { invalidToken, OAuthError } from './errors.ts';

export interface VerifiedAccessToken extends JWTPayload {
  readonly sub: string;
  readonly client_id: string;
  readonly scope: string;
  readonly jti: string;
  readonly userinfo_claims?: readonly string[];
}

/**
 * An access token this tenant issued (RFC 9068 §4): its signature under the tenant's keys,
 * typ at+jwt, this issuer, the expected audience, unexpired, not revoked, with the scope asked.
 */
export async function verifyAccessToken(
  deps: { keys: KeyService; grants: GrantStore },
  tenant: string,
  issuer: string,
  token: string,
  expect: { audience: string; scope?: string },
): Promise<VerifiedAccessToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet((await deps.keys.jwks(tenant)) as JSONWebKeySet), {
      issuer,
      audience: expect.audience,
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256'],
      requiredClaims: ['sub', 'client_id', 'jti', 'exp', 'iat'],
    }));
  } catch {
    throw invalidToken();
  }
  if (await deps.grants.isAccessTokenDenied(tenant, String(payload.jti))) throw invalidToken('The access token was revoked');
  const scopes = String(payload.scope ?? '').split(' ');
  if (expect.scope && !scopes.includes(expect.scope)) throw new OAuthError('insufficient_scope', `The access token lacks the ${expect.scope} scope`, 403);
  return payload as VerifiedAccessToken;
}

/** The bearer token of an Authorization header (RFC 6750 §2.1); never from the query string. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) throw invalidToken('A bearer access token is required');
  return match[1]!;
}
