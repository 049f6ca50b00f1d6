import { createHash } from 'node:crypto';
import type { SessionParticipants } from '../ports/session-participants.ts';
import type { SsoSession, UpstreamSession } from '../ports/session-store.ts';

/**
 * Finding the sessions an upstream provider's logout names (issue: identity broker, logout both
 * ways). A session begun through a provider is indexed in the SessionIndex table under that
 * provider's subject, and its session id (OIDC `sid`) or SessionIndex (SAML), hashed; each entry
 * points at the SSO session (by the hash of its id) and expires with it.
 */
const hashed = (value: string) => createHash('sha256').update(value).digest('base64url');

export const upstreamKey = (idpId: string, by: 'sub' | 'sid' | 'sidx', value: string) => `fed#${idpId}#${by}#${hashed(value)}`;

const keysOf = (upstream: UpstreamSession) => [
  upstreamKey(upstream.idpId, 'sub', upstream.subject),
  ...(upstream.sid ? [upstreamKey(upstream.idpId, 'sid', upstream.sid)] : []),
  ...(upstream.sessionIndex ? [upstreamKey(upstream.idpId, 'sidx', upstream.sessionIndex)] : []),
];

export async function indexUpstreamSession(participants: SessionParticipants, session: SsoSession): Promise<void> {
  if (!session.upstream) return;
  for (const sid of keysOf(session.upstream)) {
    // One entry per SSO session under each key (the client id names the session), so a subject's several sessions are all found.
    await participants.join({ tenant: session.tenant, sid, clientId: `upstream:${session.idHash}`, userId: session.userId, sessionIdHash: session.idHash, expiresAt: session.absoluteExpiresAt });
  }
}

/** The hashes of the SSO sessions an upstream logout names: by its session id when it gives one, else every session of the subject. */
export async function sessionsNamedBy(participants: SessionParticipants, tenant: string, idpId: string, named: { subject?: string; sid?: string; sessionIndexes?: readonly string[] }): Promise<string[]> {
  const keys = named.sid ? [upstreamKey(idpId, 'sid', named.sid)]
    : named.sessionIndexes?.length ? named.sessionIndexes.map((s) => upstreamKey(idpId, 'sidx', s))
    : named.subject ? [upstreamKey(idpId, 'sub', named.subject)] : [];
  const found = (await Promise.all(keys.map((key) => participants.list(tenant, key)))).flat();
  return [...new Set(found.map((p) => p.sessionIdHash).filter((h): h is string => Boolean(h)))];
}
