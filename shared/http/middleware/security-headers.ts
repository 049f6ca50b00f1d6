import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent, HttpResponse } from '../request.ts';

export function contentSecurityPolicy(nonce: string, formAction = "'self'"): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' https: data:",
    "font-src 'self'",
    "connect-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Headers every response carries, errors included (ARCHITECTURE §7). A route may set
 * its own CSP (e.g. a form_post to a client) or caching (e.g. JWKS); everything else
 * is not cached, since most responses here carry a token, a code or a session.
 */
export function securityHeaders(): MiddlewareObj<HttpEvent, HttpResponse> {
  const apply = (request: { event: HttpEvent; response: HttpResponse | null }) => {
    const response = request.response;
    if (!response) return;
    const state = request.event.state;
    const own = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    response.headers = {
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
      'content-security-policy': contentSecurityPolicy(state?.nonce ?? 'none'),
      'cache-control': 'no-store',
      ...(own['cache-control'] ? {} : { pragma: 'no-cache' }),
      ...(state ? { 'x-correlation-id': state.correlationId } : {}),
      ...own,
    };
  };
  return { after: apply, onError: apply };
}
