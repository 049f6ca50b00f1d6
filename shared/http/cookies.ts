import type { HttpRequest } from './request.ts';

/** The value of a request cookie; API Gateway delivers cookies as `name=value` strings. */
export function readCookie(request: Pick<HttpRequest<unknown>, 'cookies'>, name: string): string | undefined {
  for (const cookie of request.cookies) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === name) return cookie.slice(eq + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  readonly path: string;
  readonly maxAgeSeconds?: number;
  /** Secure cookies need https; on http://localhost they would be dropped, so they follow the public URL. */
  readonly secure: boolean;
  /** None lets SAML POST bindings from other sites carry the session; it requires Secure. */
  readonly sameSite: 'Strict' | 'Lax' | 'None';
}

export function setCookie(name: string, value: string, options: CookieOptions): string {
  const sameSite = options.sameSite === 'None' && !options.secure ? 'Lax' : options.sameSite;
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    'HttpOnly',
    ...(options.secure ? ['Secure'] : []),
    `SameSite=${sameSite}`,
    ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
  ].join('; ');
}

export const clearCookie = (name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>) => setCookie(name, '', { ...options, maxAgeSeconds: 0 });

export const isSecureOrigin = (publicUrl: string) => publicUrl.startsWith('https://');
