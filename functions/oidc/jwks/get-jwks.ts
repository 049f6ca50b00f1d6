import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { tenantOf } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';

/**
 * GET /t/{tenant}/oauth2/jwks (RFC 7517): the tenant's public signing keys. Cached for five
 * minutes; a next key is published at least a day before it signs, so caches never miss one.
 */
export async function getJwks(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const jwks = await request.deps.keys.jwks(tenantOf(request).id);
  return json(200, jwks, {
    'content-type': 'application/jwk-set+json',
    'cache-control': 'public, max-age=300, stale-while-revalidate=60',
    'access-control-allow-origin': '*',
  });
}
