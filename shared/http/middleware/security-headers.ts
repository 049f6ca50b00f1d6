import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent, HttpResponse } from '../request.ts';

/** Which frames a page may hold (frame-src) and who may frame it (frame-ancestors; nobody by default). */
interface FramePolicy {
  readonly src?: string;
  readonly ancestors?: string;
}

export function contentSecurityPolicy(nonce: string, formAction = "'self'", frames: FramePolicy = {}): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' https: data:",
    "font-src 'self'",
    "connect-src 'self'",
    `form-action ${formAction}`,
    ...(frames.src ? [`frame-src ${frames.src}`] : []),
    `frame-ancestors ${frames.ancestors ?? "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The CSP of a page whose form ends, through redirects, at an application: browsers hold
 * every redirect after a form submission to form-action (CSP3 §6.4.1), so the application's
 * origin must be listed beside our own or the user is stranded on our page.
 */
export const formsMayReach = (nonce: string, ...urls: Array<string | undefined>): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(nonce, selfAnd(urls)),
});

const selfAnd = (urls: ReadonlyArray<string | undefined>) => ["'self'", ...new Set(urls.filter((u): u is string => u !== undefined).map((u) => new URL(u).origin))].join(' ');

/**
 * A page that holds frames of our own pages which then navigate to these URLs (front-channel
 * logout): a parent's frame-src governs every navigation inside its frames, redirects included.
 */
export const framesMayShow = (nonce: string, urls: ReadonlyArray<string | undefined>): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(nonce, "'self'", { src: selfAnd(urls) }),
});

/** A page shown inside a frame of one of our own pages (and nowhere else); its forms may reach these URLs. */
export const framedBySelf = (nonce: string, ...urls: Array<string | undefined>): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(nonce, selfAnd(urls), { ancestors: "'self'" }),
  'x-frame-options': 'SAMEORIGIN',
});

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
