import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { isSecureOrigin, readCookie, setCookie } from '../../../shared/http/cookies.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';

/**
 * Ties a federated sign-in to the browser that started it. Without this, someone could start a
 * sign-in, finish it at the upstream as themselves, and send the answer (the callback URL or a
 * SAML Response) to someone else's browser, which would then be signed in as them (login CSRF).
 * The ceremony keeps a hash of a random value this cookie holds; the answer must come back with
 * it. Over https the cookie is SameSite=None so a SAML Response POSTed from the IdP's site
 * carries it; it lives only under the tenant's login paths (a pending link is confirmed by the login form), for the ceremony's lifetime.
 */
const cookieName = 'idp_federation';
const lifetimeSeconds = 10 * 60;

const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');

const cookieOptions = (tenant: Tenant, publicUrl: string) => {
  const secure = isSecureOrigin(publicUrl);
  return { path: `/t/${tenant.slug}/login`, secure, sameSite: secure ? ('None' as const) : ('Lax' as const), maxAgeSeconds: lifetimeSeconds };
};

/** The binding for a new ceremony: the browser's value (kept, so two tabs can federate at once) or a new one, and the cookie to set. */
export function bindToBrowser(request: HttpRequest<{ publicUrl: string }>, tenant: Tenant): { hash: string; cookie: string } {
  const existing = readCookie(request, cookieName);
  const value = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
  return { hash: hashOf(value), cookie: setCookie(cookieName, value, cookieOptions(tenant, request.deps.publicUrl)) };
}

export function isSameBrowser(request: HttpRequest<unknown>, bindingHash: string): boolean {
  const value = readCookie(request, cookieName);
  if (!value) return false;
  const [a, b] = [Buffer.from(hashOf(value)), Buffer.from(bindingHash)];
  return a.length === b.length && timingSafeEqual(a, b);
}
