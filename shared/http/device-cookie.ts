import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { isSecureOrigin, readCookie, setCookie } from './cookies.ts';
import type { HttpRequest } from './request.ts';

const cookieName = 'idp_device';
const lifetimeSeconds = 400 * 86_400;

/** The mark a browser gets once a user has signed in on it: an HMAC of tenant and user, so it cannot be forged or moved to another user. */
const markOf = (key: Buffer, tenant: string, userId: string) => createHmac('sha256', key).update(`device|${tenant}|${userId}`).digest('base64url');

/** Whether this user has signed in on this browser before (the flow document's `newDevice` is the opposite). */
export function isKnownDevice(request: Pick<HttpRequest<unknown>, 'cookies'>, key: Buffer, tenant: string, userId: string): boolean {
  const presented = readCookie(request, cookieName);
  if (!presented) return false;
  const [a, b] = [Buffer.from(presented), Buffer.from(markOf(key, tenant, userId))];
  return a.length === b.length && timingSafeEqual(a, b);
}

export const deviceCookie = (key: Buffer, tenant: Tenant, userId: string, publicUrl: string) =>
  setCookie(cookieName, markOf(key, tenant.id, userId), { path: `/t/${tenant.slug}`, secure: isSecureOrigin(publicUrl), sameSite: 'Lax', maxAgeSeconds: lifetimeSeconds });
