import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { invalidRequest } from '../../../shared/domain/oauth/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { authenticateRequestClient } from '../token/authenticate-client.ts';

const inactive = { active: false };

/**
 * POST /t/{tenant}/oauth2/introspect (RFC 7662): for an authenticated client, whether a token
 * is active. A client learns about its own tokens only; the tenant's management client (scope
 * admin) about any. Revoked, expired, rotated-away and foreign tokens are simply inactive.
 */
export async function introspectionEndpoint(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  const caller = await authenticateRequestClient(request, form);
  const token = form.get('token');
  if (!token) throw invalidRequest('token is required');
  if (token.length > 8192) return json(200, inactive);
  const mayRead = (clientId: unknown) => clientId === caller.clientId || caller.scopes.includes('admin');
  const now = Date.now();
  const issuer = issuerOf(request.deps.publicUrl, tenant);

  if (token.split('.').length === 3) {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet((await request.deps.keys.jwks(tenant.id)) as JSONWebKeySet), { issuer, typ: 'at+jwt', algorithms: ['ES256', 'RS256'] });
      if (!mayRead(payload.client_id) || (await request.deps.grants.isAccessTokenDenied(tenant.id, String(payload.jti)))) return json(200, inactive);
      return json(200, { active: true, token_type: 'Bearer', scope: payload.scope, client_id: payload.client_id, sub: payload.sub, aud: payload.aud, iss: payload.iss, exp: payload.exp, iat: payload.iat, jti: payload.jti });
    } catch {
      return json(200, inactive);
    }
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return json(200, inactive);
  const family = await request.deps.grants.findRefreshToken(tenant.id, hashToken(token), now);
  if (!family || !mayRead(family.clientId)) return json(200, inactive);
  return json(200, { active: true, token_type: 'refresh_token', scope: family.scopes.join(' '), client_id: family.clientId, sub: family.userId, iss: issuer, exp: Math.floor(Math.min(family.absoluteExpiresAt, family.idleExpiresAt) / 1000) });
}
