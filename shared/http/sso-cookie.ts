import { hashToken, isLive, needsTouch } from '../domain/auth/sso-session.ts';
import type { SessionStore, SsoSession } from '../domain/ports/session-store.ts';
import type { TenantSettings } from '../domain/tenants/settings.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { clearCookie, isSecureOrigin, readCookie, setCookie, type CookieOptions } from './cookies.ts';
import type { HttpRequest } from './request.ts';

export const ssoCookieName = 'idp_session';
const idPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * The SSO cookie lives under its tenant's path only. Over https it is SameSite=None; Secure,
 * so a SAML POST binding from a service provider still carries it; over plain http (local
 * development) browsers refuse None without Secure, so it falls back to Lax.
 */
export function ssoCookieOptions(tenant: Tenant, publicUrl: string): Omit<CookieOptions, 'maxAgeSeconds'> {
  const secure = isSecureOrigin(publicUrl);
  return { path: `/t/${tenant.slug}`, secure, sameSite: secure ? 'None' : 'Lax' };
}

export const ssoCookie = (id: string, tenant: Tenant, publicUrl: string, settings: TenantSettings) =>
  setCookie(ssoCookieName, id, { ...ssoCookieOptions(tenant, publicUrl), maxAgeSeconds: settings.sessions.absoluteSeconds });

export const clearSsoCookie = (tenant: Tenant, publicUrl: string) => clearCookie(ssoCookieName, ssoCookieOptions(tenant, publicUrl));

/** The live SSO session this browser holds at this tenant, sliding its idle expiry. */
export async function currentSession(request: HttpRequest<unknown>, tenant: Tenant, sessions: SessionStore, settings: TenantSettings, now: number): Promise<SsoSession | undefined> {
  const id = readCookie(request, ssoCookieName);
  if (!id || !idPattern.test(id)) return undefined;
  const session = await sessions.find(tenant.id, hashToken(id));
  if (!session || !isLive(session, now)) return undefined;
  if (needsTouch(session, now)) await sessions.touch(session, now, now + settings.sessions.idleSeconds * 1000);
  return session;
}
