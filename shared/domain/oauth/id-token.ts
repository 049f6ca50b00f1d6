import { createHash } from 'node:crypto';
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
      ...claimsFor(request.user, request.scopes),
    },
    { alg: request.client.idTokenSignedResponseAlg },
  );
}
