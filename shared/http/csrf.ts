import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PlatformSecrets } from '../domain/ports/platform-secrets.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { isSecureOrigin, readCookie, setCookie } from './cookies.ts';
import { HttpError } from './errors.ts';
import type { HttpRequest } from './request.ts';

const cookieName = 'idp_csrf';
const cookiePattern = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfOptions {
  readonly key: Buffer;
  /** The cookie's path: `/` for the platform's pages, `/t/{tenant}` for a tenant's. */
  readonly path: string;
  readonly secure: boolean;
}

/** The options of a tenant's pages: the platform's CSRF key, the browser cookie under the tenant's path. */
export const tenantCsrfOptions = async (deps: { platformSecrets: PlatformSecrets; publicUrl: string }, tenant: Pick<Tenant, 'slug'>): Promise<CsrfOptions> => ({
  key: await deps.platformSecrets.get('csrf'),
  path: `/t/${tenant.slug}`,
  secure: isSecureOrigin(deps.publicUrl),
});

const tokenFor = (key: Buffer, browser: string, form: string) => createHmac('sha256', key).update(`${browser}|${form}`).digest('base64url');

/**
 * Signed double-submit CSRF tokens (OWASP): a random cookie names the browser, and a
 * form's token is an HMAC of that cookie and the form's name under a platform key, so a
 * token from another browser, another form or another tenant does not pass.
 */
export function issueCsrf(request: HttpRequest<unknown>, form: string, options: CsrfOptions): { token: string; cookie?: string } {
  const existing = readCookie(request, cookieName);
  const browser = existing && cookiePattern.test(existing) ? existing : randomBytes(32).toString('base64url');
  return {
    token: tokenFor(options.key, browser, form),
    ...(browser === existing ? {} : { cookie: setCookie(cookieName, browser, { path: options.path, secure: options.secure, sameSite: 'Lax' }) }),
  };
}

export function verifyCsrf(request: HttpRequest<unknown>, form: string, submitted: string | null | undefined, key: Buffer): void {
  const browser = readCookie(request, cookieName);
  const refuse = () => new HttpError(403, 'csrf_failed', 'This form has expired or did not come from this site. Go back, reload the page and try again.');
  if (!browser || !cookiePattern.test(browser) || !submitted) throw refuse();
  const expected = Buffer.from(tokenFor(key, browser, form));
  const given = Buffer.from(submitted);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
}
