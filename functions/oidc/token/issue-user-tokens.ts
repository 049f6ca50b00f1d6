import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { randomUUID } from 'node:crypto';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { issueAccessToken } from '../../../shared/domain/oauth/access-token.ts';
import { issueIdToken } from '../../../shared/domain/oauth/id-token.ts';
import { claimsWithheldBy } from '../../../shared/domain/consent/application-consent.ts';
import { claimsForApplication } from '../../../shared/domain/federation/outbound-claims.ts';
import { generateSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import type { UserGrant } from '../../../shared/domain/oauth/authorization.ts';
import type { GrantContext, TokenResponse } from './grants.ts';

/** Whether this grant also gets a refresh token: the client may refresh, and an OIDC request asked for offline_access. */
export const wantsRefreshToken = (context: GrantContext, scopes: readonly string[]) =>
  context.client.grantTypes.includes('refresh_token') && (!scopes.includes('openid') || scopes.includes('offline_access'));

/** Access token, ID token (for openid) and, when due, the first refresh token of a new family. */
export async function issueUserTokens(context: GrantContext, grant: UserGrant, options: { refreshToken?: string; familyId?: string; jti?: string } = {}): Promise<TokenResponse & { jti: string }> {
  const { client } = context;
  const access = await issueAccessToken(context.deps.keys, {
    issuer: context.issuer,
    tenant: context.tenant,
    clientId: client.clientId,
    subject: grant.user.id,
    scopes: grant.scopes,
    lifetimeSeconds: client.accessTokenLifetimeSeconds,
    now: context.now,
    authTime: grant.authTime,
    sessionId: grant.sid,
    ...(grant.claims ? { userinfoClaims: grant.claims.userinfo } : {}),
    ...(options.jti ? { jti: options.jti } : {}),
  });
  // The consent as it stands now: a purpose withdrawn since the grant takes its claims out of this token.
  const withheld = grant.scopes.includes('openid') ? claimsWithheldBy(await context.deps.consents.find(context.tenant, grant.user.id, client.clientId)) : [];
  const applicationClaims = grant.scopes.includes('openid') ? (await claimsForApplication(context.deps, context.tenant, client.clientId, grant.user, withheld)).values : {};
  const idToken = grant.scopes.includes('openid')
    ? await issueIdToken(context.deps.keys, { ...grant, withheld, applicationClaims, issuer: context.issuer, client, accessToken: access.token, now: context.now })
    : undefined;
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    scope: grant.scopes.join(' '),
    ...(idToken ? { id_token: idToken } : {}),
    ...(options.refreshToken ? { refresh_token: options.refreshToken } : {}),
    jti: access.jti,
  };
}

/** Starts a refresh-token family for a fresh authorization, with its token.issued event. */
export async function startRefreshFamily(context: GrantContext, grant: UserGrant, accessJti: string): Promise<{ refreshToken: string; familyId: string }> {
  const refreshToken = generateSecret();
  const familyId = randomUUID();
  const { client } = context;
  await context.deps.grants.createFamily(
    {
      id: familyId,
      tenant: context.tenant,
      clientId: client.clientId,
      userId: grant.user.id,
      scopes: grant.scopes,
      sid: grant.sid,
      authTime: grant.authTime,
      amr: grant.amr,
      ...(grant.claims ? { claims: grant.claims } : {}),
      absoluteExpiresAt: context.now + client.refreshTokenLifetimeSeconds * 1000,
      idleExpiresAt: context.now + client.refreshTokenIdleSeconds * 1000,
      status: 'active',
    },
    hashToken(refreshToken),
    [tokenEvent(context, 'token.issued', grant.user.id, { grantType: context.form.get('grant_type'), scope: grant.scopes.join(' '), jti: accessJti, refreshFamily: familyId })],
  );
  return { refreshToken, familyId };
}

export const tokenEvent = (context: GrantContext, type: AuditEventType, subject: string, details: Record<string, unknown>, outcome: 'success' | 'denied' = 'success') =>
  createAuditEvent({
    tenant: context.tenant, type, actor: { kind: 'client', id: context.client.clientId }, subject,
    clientIp: context.clientIp, userAgent: context.userAgent, correlationId: context.correlationId, outcome, time: new Date(context.now), details,
  });
