import { decodeJwt } from 'jose';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { invalidRequest } from '../../../shared/domain/oauth/errors.ts';
import { verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { authenticateRequestClient } from '../token/authenticate-client.ts';

const done = (): HttpResponse => ({ statusCode: 200, headers: { 'cache-control': 'no-store' }, body: '' });

/**
 * POST /t/{tenant}/oauth2/revoke (RFC 7009): a client revokes one of its own tokens. A refresh
 * token takes its whole family with it, and the access tokens issued from that family are
 * deny-listed until they expire. Unknown and foreign tokens get the same 200 (§2.2).
 */
export async function revocationEndpoint(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  const client = await authenticateRequestClient(request, form);
  const token = form.get('token');
  if (!token) throw invalidRequest('token is required');
  if (token.length > 8192) return done();
  const event = (subject: string, details: Record<string, unknown>) =>
    createAuditEvent({ tenant: tenant.id, type: 'token.revoked', actor: { kind: 'client', id: client.clientId }, subject, clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, outcome: 'success', details });

  if (token.split('.').length === 3) {
    const issuer = issuerOf(request.deps.publicUrl, tenant);
    const audience = [decodeJwtAudience(token)].flat()[0];
    if (!audience) return done();
    const verified = await verifyAccessToken(request.deps, tenant.id, issuer, token, { audience }).catch(() => undefined);
    if (!verified || verified.client_id !== client.clientId) return done();
    await request.deps.grants.denyAccessToken(tenant.id, verified.jti, Number(verified.exp) * 1000);
    await request.deps.auditLog.record(event(verified.sub, { kind: 'access_token', jti: verified.jti }));
    return done();
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return done();
  const family = await request.deps.grants.findRefreshToken(tenant.id, hashToken(token), Date.now());
  if (!family || family.clientId !== client.clientId) return done();
  await request.deps.grants.revokeFamily(tenant.id, family.id, [event(family.userId, { kind: 'refresh_token', refreshFamily: family.id })]);
  return done();
}

function decodeJwtAudience(token: string): string | string[] | undefined {
  try {
    return decodeJwt(token).aud;
  } catch {
    return undefined;
  }
}
