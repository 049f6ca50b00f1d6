import { randomUUID } from 'node:crypto';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { invalidGrant, invalidRequest, unauthorizedClient } from '../../../shared/domain/oauth/errors.ts';
import { verifiesChallenge } from '../../../shared/domain/oauth/pkce.ts';
import type { GrantContext, TokenResponse } from './grants.ts';
import { issueUserTokens, startRefreshFamily, tokenEvent, wantsRefreshToken } from './issue-user-tokens.ts';

/**
 * RFC 6749 §4.1.3 with RFC 7636 and RFC 9700: a code is good once, for 60 s, for the client
 * and redirect URI it was issued to, with the verifier of its challenge. A code presented a
 * second time revokes what the first redemption issued (§4.1.2).
 */
export async function authorizationCodeGrant(context: GrantContext): Promise<TokenResponse> {
  const { client, form, deps } = context;
  if (!client.grantTypes.includes('authorization_code')) throw unauthorizedClient('This client may not use authorization_code');
  const code = form.get('code');
  const redirectUri = form.get('redirect_uri');
  const verifier = form.get('code_verifier');
  if (!code || !/^[A-Za-z0-9_-]{43}$/.test(code)) throw invalidRequest('code is missing or malformed');
  if (!redirectUri) throw invalidRequest('redirect_uri is required');
  const codeHash = hashToken(code);

  // The access token's id is written with the redemption, so a reuse racing this request still finds it.
  const accessJti = randomUUID();
  const redemption = await deps.grants.redeemCode(context.tenant, codeHash, context.now, accessJti);
  if (redemption.status === 'unknown') throw invalidGrant('The authorization code is invalid');
  if (redemption.status === 'reused') {
    if (redemption.grant.clientId === client.clientId) {
      const events = [tokenEvent(context, 'token.reuse_detected', redemption.grant.userId, { kind: 'authorization_code', refreshFamily: redemption.familyId ?? null }, 'denied')];
      if (redemption.familyId) await deps.grants.revokeFamily(context.tenant, redemption.familyId, events);
      else await deps.auditLog.record(events[0]!);
      if (redemption.accessJti) await deps.grants.denyAccessToken(context.tenant, redemption.accessJti, context.now + client.accessTokenLifetimeSeconds * 1000);
    }
    throw invalidGrant('The authorization code was already used');
  }
  const { grant } = redemption;
  if (grant.clientId !== client.clientId) throw invalidGrant('The authorization code was issued to another client');
  if (context.now >= grant.expiresAt) throw invalidGrant('The authorization code has expired');
  if (grant.redirectUri !== redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
  if (grant.codeChallenge !== undefined) {
    if (!verifier || !verifiesChallenge(verifier, grant.codeChallenge)) throw invalidGrant('The code_verifier does not match the code_challenge');
  } else if (verifier !== null) {
    // A verifier for a code issued without a challenge is a PKCE downgrade attempt (RFC 9700 §2.1.1).
    throw invalidGrant('code_verifier sent for a code issued without code_challenge');
  }
  const user = await deps.users.getUser(context.tenant, grant.userId);
  if (!user || user.status !== 'active') throw invalidGrant('The user is no longer active');

  const userGrant = { user, scopes: grant.scopes, ...(grant.nonce ? { nonce: grant.nonce } : {}), authTime: grant.authTime, amr: grant.amr, sid: grant.sid, ...(grant.claims ? { claims: grant.claims } : {}) };
  const first = await issueUserTokens(context, userGrant, { jti: accessJti });
  let refresh: { refreshToken: string; familyId: string } | undefined;
  if (wantsRefreshToken(context, grant.scopes)) {
    refresh = await startRefreshFamily(context, userGrant, first.jti);
    await deps.grants.recordFamilyAccessToken(context.tenant, refresh.familyId, first.jti, context.now + client.accessTokenLifetimeSeconds * 1000);
  }
  else await deps.auditLog.record(tokenEvent(context, 'token.issued', user.id, { grantType: 'authorization_code', scope: grant.scopes.join(' '), jti: first.jti }));
  if (refresh) await deps.grants.recordCodeFamily(context.tenant, codeHash, refresh.familyId);
  const { jti: _jti, ...body } = first;
  return { ...body, ...(refresh ? { refresh_token: refresh.refreshToken } : {}) };
}
