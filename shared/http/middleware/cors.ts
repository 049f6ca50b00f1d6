import type { MiddlewareObj } from '@middy/core';
import { settingsOf } from '../../domain/tenants/tenant.ts';
import type { HttpEvent, HttpResponse } from '../request.ts';

/**
 * CORS for the endpoints browser code calls directly (token, UserInfo, revocation), for the
 * origins the tenant allows only: the origin is echoed (never `*`), with Vary: Origin, and no
 * credentials (these endpoints take no cookies). Errors carry it too, so an application can read
 * `invalid_grant`. A preflight (OPTIONS) from an allowed origin learns the methods and headers.
 */
export function corsForAllowedOrigins(paths: ReadonlyMap<string, readonly string[]>): MiddlewareObj<HttpEvent, HttpResponse> {
  const apply = (request: { event: HttpEvent; response: HttpResponse | null }) => {
    const { event, response } = request;
    if (!response) return;
    const [, path = ''] = event.routeKey.split(' ');
    const methods = paths.get(path);
    const origin = event.headers?.origin;
    const tenant = event.state?.tenant;
    response.headers = { ...response.headers, ...(methods ? { vary: 'Origin' } : {}) };
    if (!methods || !origin || !tenant || !(settingsOf(tenant).allowedOrigins ?? []).includes(origin)) return;
    response.headers['access-control-allow-origin'] = origin;
    if (event.requestContext.http.method === 'OPTIONS') {
      Object.assign(response.headers, { 'access-control-allow-methods': methods.join(', '), 'access-control-allow-headers': 'authorization, content-type, dpop', 'access-control-max-age': '600' });
    }
  };
  return { after: apply, onError: apply };
}
