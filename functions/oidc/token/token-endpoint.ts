import { invalidRequest, unsupportedGrantType } from '../../../shared/domain/oauth/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle, type RateRule } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { authenticateRequestClient } from './authenticate-client.ts';
import { grantHandlers } from './grants.ts';

/** Token requests one client may make per minute, across all its instances (a public SPA's id is no secret). */
export const tokenRequestsPerClient: RateRule = { hits: 600, windowSeconds: 60 };

/**
 * POST /t/{tenant}/oauth2/token (RFC 6749 §3.2): parse the form (no parameter twice) →
 * authenticate the client → hand over to the grant type's handler. Never cached.
 */
export async function tokenEndpoint(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  const grantType = form.get('grant_type');
  if (!grantType) throw invalidRequest('grant_type is required');
  const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
  const client = await authenticateRequestClient(request, form);
  await throttle(request, `token#${tenant.id}#${client.clientId}`, tokenRequestsPerClient, { tenant: tenant.id, endpoint: 'token', subject: `client:${client.clientId}` });
  if (!handler) throw unsupportedGrantType(grantType.slice(0, 64));
  const body = await handler({
    deps: request.deps,
    tenant: tenant.id,
    issuer: issuerOf(request.deps.publicUrl, tenant),
    client,
    form,
    clientIp: request.state.clientIp,
    userAgent: request.state.userAgent,
    correlationId: request.state.correlationId,
    now: Date.now(),
  });
  return json(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}
