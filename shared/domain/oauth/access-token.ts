import { randomUUID } from 'node:crypto';
import type { KeyService } from '../keys/key-service.ts';

/** Which resource server a scope belongs to: the admin API, SCIM, or (by default) UserInfo. */
export function audienceFor(issuer: string, scopes: readonly string[]): string[] {
  const audiences = new Set<string>();
  for (const scope of scopes) {
    if (scope === 'admin' || scope.startsWith('admin:')) audiences.add(`${issuer}/api/v1`);
    else if (scope === 'scim') audiences.add(`${issuer}/scim2`);
    else audiences.add(`${issuer}/oauth2/userinfo`);
  }
  return [...(audiences.size ? audiences : [`${issuer}/oauth2/userinfo`])];
}

export interface AccessTokenRequest {
  readonly issuer: string;
  readonly tenant: string;
  readonly clientId: string;
  /** The user, or the client itself for client credentials. */
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly lifetimeSeconds: number;
  readonly now: number;
  readonly authTime?: number;
  readonly sessionId?: string;
  /** UserInfo claims asked for by name (OIDC Core §5.5), so UserInfo can release them. */
  readonly userinfoClaims?: readonly string[];
  /** The token's id, when the caller had to record it before the token was made. */
  readonly jti?: string;
}

/** A JWT access token per RFC 9068 (typ at+jwt), signed with the tenant's active ES256 key. */
export async function issueAccessToken(keys: KeyService, request: AccessTokenRequest): Promise<{ token: string; jti: string; expiresIn: number }> {
  const iat = Math.floor(request.now / 1000);
  const jti = request.jti ?? randomUUID();
  const audience = audienceFor(request.issuer, request.scopes);
  const token = await keys.signJwt(
    request.tenant,
    {
      iss: request.issuer,
      sub: request.subject,
      aud: audience.length === 1 ? audience[0] : audience,
      client_id: request.clientId,
      scope: request.scopes.join(' '),
      jti,
      iat,
      exp: iat + request.lifetimeSeconds,
      ...(request.authTime !== undefined ? { auth_time: Math.floor(request.authTime / 1000) } : {}),
      ...(request.sessionId ? { sid: request.sessionId } : {}),
      ...(request.userinfoClaims?.length ? { userinfo_claims: [...request.userinfoClaims] } : {}),
    },
    { typ: 'at+jwt' },
  );
  return { token, jti, expiresIn: request.lifetimeSeconds };
}
