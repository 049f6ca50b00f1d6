import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { issueAccessToken } from '../../../shared/domain/oauth/access-token.ts';
import { invalidScope, unauthorizedClient } from '../../../shared/domain/oauth/errors.ts';
import type { GrantContext, TokenResponse } from './grants.ts';
import { requestedScopes } from './scopes.ts';

/** RFC 6749 §4.4: a client acting for itself, with the scopes it was granted and asked for. */
export async function clientCredentialsGrant(context: GrantContext): Promise<TokenResponse> {
  const { client } = context;
  if (client.tokenEndpointAuthMethod === 'none' || !client.grantTypes.includes('client_credentials')) throw unauthorizedClient('This client may not use client_credentials');
  const asked = requestedScopes(context.form);
  const scopes = asked ?? client.scopes;
  const refused = scopes.filter((s) => !client.scopes.includes(s) || s === 'openid' || s === 'offline_access');
  if (refused.length) throw invalidScope(`Not granted to this client: ${refused.join(' ')}`);
  const token = await issueAccessToken(context.deps.keys, {
    issuer: context.issuer,
    tenant: context.tenant,
    clientId: client.clientId,
    subject: client.clientId,
    scopes,
    lifetimeSeconds: client.accessTokenLifetimeSeconds,
    now: context.now,
  });
  await context.deps.auditLog.record(
    createAuditEvent({
      tenant: context.tenant, type: 'token.issued', actor: { kind: 'client', id: client.clientId }, subject: `client:${client.clientId}`,
      clientIp: context.clientIp, userAgent: context.userAgent, correlationId: context.correlationId, outcome: 'success', time: new Date(context.now),
      details: { grantType: 'client_credentials', scope: scopes.join(' '), jti: token.jti },
    }),
  );
  return { access_token: token.token, token_type: 'Bearer', expires_in: token.expiresIn, scope: scopes.join(' ') };
}
