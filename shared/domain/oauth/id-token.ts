import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose';
import type { KeyService } from '../keys/key-service.ts';
import type { UserGrant } from './authorization.ts';
import type { OAuthClient } from './client.ts';
import { claimsFor } from './user-claims.ts';

/** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token (ES256 and RS256 both hash with SHA-256). */
export const atHash = (accessToken: string) => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

export interface IdTokenRequest extends UserGrant {
  readonly issuer: string;
  readonly client: OAuthClient;
  readonly accessToken: string;
  readonly now: number;
  /** The application's own claims (its flow's claim mappings), over the standard ones, never over the protocol's. */
  readonly applicationClaims?: Readonly<Record<string, unknown>>;
}

const idTokenLifetimeSeconds = 600;

/** OIDC Core §2: an ID token for this client, signed with the algorithm it registered. */
export function issueIdToken(keys: KeyService, request: IdTokenRequest): Promise<string> {
  const iat = Math.floor(request.now / 1000);
  return keys.signJwt(
    request.client.tenant,
    {
      iss: request.issuer,
      sub: request.user.id,
      aud: request.client.clientId,
      iat,
      exp: iat + idTokenLifetimeSeconds,
      auth_time: Math.floor(request.authTime / 1000),
      ...(request.nonce ? { nonce: request.nonce } : {}),
      at_hash: atHash(request.accessToken),
      amr: [...request.amr],
      acr: request.amr.length > 1 ? 'urn:idp:acr:mfa' : 'urn:idp:acr:pwd',
      sid: request.sid,
      ...claimsFor(request.user, request.scopes, request.claims?.idToken, request.withheld),
      ...request.applicationClaims,
    },
    { alg: request.client.idTokenSignedResponseAlg },
  );
}

/** Who an id_token_hint names, and for which client and session. */
export interface IdTokenHint {
  readonly sub: string;
  readonly clientId: string;
  readonly sid?: string;
}

/**
 * An id_token_hint: an ID token this tenant signed, possibly expired (OIDC Core §3.1.2.1 and
 * RP-Initiated Logout §2 both allow that). Anything else, including the tenant's access and
 * logout tokens (same keys, other `typ`), is no hint.
 */
export async function verifyIdTokenHint(keys: KeyService, tenant: string, issuer: string, token: string): Promise<IdTokenHint | undefined> {
  if (token.length > 8192) return undefined;
  try {
    const { protectedHeader } = await compactVerify(token, createLocalJWKSet((await keys.jwks(tenant)) as JSONWebKeySet), { algorithms: ['ES256', 'RS256'] });
    if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') return undefined;
    const claims = decodeJwt(token);
    if (claims.iss !== issuer || typeof claims.sub !== 'string' || claims.events !== undefined) return undefined;
    const clientId = [claims.aud].flat()[0];
    if (typeof clientId !== 'string') return undefined;
    return { sub: claims.sub, clientId, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) };
  } catch {
    return undefined;
  }
}
