import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { invalidGrant, invalidRequest, invalidScope, unauthorizedClient } from '../../../shared/domain/oauth/errors.ts';
import type { RefreshFamily } from '../../../shared/domain/oauth/authorization.ts';
import { generateSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import type { GrantContext, TokenResponse } from './grants.ts';
import { issueUserTokens, tokenEvent } from './issue-user-tokens.ts';
import { requestedScopes } from './scopes.ts';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and
 * retires the old one; presenting a retired one means the family leaked, so the whole family
 * is revoked. A narrower scope may be asked for, never a broader one.
 */
export async function refreshTokenGrant(context: GrantContext): Promise<TokenResponse> {
  const { client, form, deps } = context;
  if (!client.grantTypes.includes('refresh_token')) throw unauthorizedClient('This client may not use refresh_token');
  const presented = form.get('refresh_token');
  if (!presented || !/^[A-Za-z0-9_-]{43}$/.test(presented)) throw invalidRequest('refresh_token is missing or malformed');
  const next = generateSecret();
  const asked = requestedScopes(form);
  let user: User | undefined;
  // Checked before the token is spent: a refused request leaves the client its refresh token.
  const check = async (family: RefreshFamily) => {
    if ((asked ?? family.scopes).some((s) => !family.scopes.includes(s))) throw invalidScope('A refresh cannot broaden the scope');
    user = await deps.users.getUser(context.tenant, family.userId);
    if (!user || user.status !== 'active') throw invalidGrant('The user is no longer active');
  };
  const rotation = await deps.grants.rotateRefreshToken(context.tenant, client.clientId, hashToken(presented), hashToken(next), {
    idleExpiresAt: context.now + client.refreshTokenIdleSeconds * 1000,
    now: context.now,
    check,
  });
  if (rotation.status === 'unknown') throw invalidGrant('The refresh token is invalid or expired');
  const { family } = rotation;
  if (rotation.status === 'reused') {
    await deps.grants.revokeFamily(context.tenant, family.id, [tokenEvent(context, 'token.reuse_detected', family.userId, { kind: 'refresh_token', refreshFamily: family.id }, 'denied')]);
    throw invalidGrant('The refresh token was already used; its family has been revoked');
  }
  const scopes = asked ?? family.scopes;
  const { jti, ...body } = await issueUserTokens(context, { user: user!, scopes, authTime: family.authTime, amr: family.amr, sid: family.sid, ...(family.claims ? { claims: family.claims } : {}) }, { refreshToken: next });
  await deps.grants.recordFamilyAccessToken(context.tenant, family.id, jti, context.now + client.accessTokenLifetimeSeconds * 1000);
  await deps.auditLog.record(tokenEvent(context, 'token.refreshed', family.userId, { scope: scopes.join(' '), jti, refreshFamily: family.id }));
  return body;
}
