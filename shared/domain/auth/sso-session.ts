import { createHash, randomBytes } from 'node:crypto';
import type { SsoSession, UpstreamSession } from '../ports/session-store.ts';
import type { TenantSettings } from '../tenants/settings.ts';

/** A new session id: 256 random bits; only its hash is ever stored. */
export const newSessionId = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export function newSession(tenant: string, userId: string, amr: readonly string[], settings: TenantSettings, now: number, upstream?: UpstreamSession): { id: string; session: SsoSession } {
  const id = newSessionId();
  return {
    id,
    session: {
      idHash: hashToken(id),
      tenant,
      userId,
      amr,
      authTime: now,
      lastSeenAt: now,
      idleExpiresAt: now + settings.sessions.idleSeconds * 1000,
      absoluteExpiresAt: now + settings.sessions.absoluteSeconds * 1000,
      ...(upstream ? { upstream } : {}),
    },
  };
}

export const isLive = (session: SsoSession, now: number) => now < session.idleExpiresAt && now < session.absoluteExpiresAt;

/** Sliding idle expiry, written at most once a minute so a busy session does not write on every request. */
export function needsTouch(session: SsoSession, now: number): boolean {
  return now - session.lastSeenAt >= 60_000;
}
