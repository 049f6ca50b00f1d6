import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const emailCodeLifetimeMs = 10 * 60_000;
/** A new code is mailed at most this often for one sign-in. */
export const emailCodeResendMs = 60_000;

/** Bound to the sign-in it was sent for, so a code is worthless anywhere else. */
const digest = (loginId: string, code: string) => createHash('sha256').update(`email-otp|${loginId}|${code}`).digest('base64url');

/** A six-digit code and what the sign-in keeps of it. */
export function newEmailCode(loginId: string, now: number): { code: string; stored: { hash: string; expiresAt: number; sentAt: number } } {
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  return { code, stored: { hash: digest(loginId, code), expiresAt: now + emailCodeLifetimeMs, sentAt: now } };
}

export function emailCodeMatches(loginId: string, input: string, stored: { hash: string; expiresAt: number } | undefined, now: number): boolean {
  if (!stored || now >= stored.expiresAt || !/^\d{6}$/.test(input)) return false;
  const [a, b] = [Buffer.from(digest(loginId, input)), Buffer.from(stored.hash)];
  return a.length === b.length && timingSafeEqual(a, b);
}
