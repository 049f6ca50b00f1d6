import type { AuditEventType } from '../audit/catalogue.ts';
import { createHash, randomUUID } from 'node:crypto';
import { createAuditEvent } from '../audit/event.ts';
import type { KeyService } from '../keys/key-service.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { SessionParticipant, SessionParticipants } from '../ports/session-participants.ts';
import type { SessionStore, SsoSession } from '../ports/session-store.ts';

/** The session's `sid` claim: stable for the session, neither its cookie nor its stored key. */
export const sidOf = (session: Pick<SsoSession, 'idHash'>) => createHash('sha256').update(`sid|${session.idHash}`).digest('base64url').slice(0, 32);

export interface EndSessionDeps {
  readonly sessions: SessionStore;
  readonly participants: SessionParticipants;
  readonly keys: KeyService;
  readonly auditLog: AuditLog;
  /** Delivers a logout token to a client's back-channel endpoint; resolves to whether it was accepted. */
  readonly deliver: (uri: string, logoutToken: string) => Promise<boolean>;
}

export interface EndSessionContext {
  readonly issuer: string;
  readonly reason: string;
  readonly clientIp: string;
  readonly userAgent: string;
  readonly correlationId: string;
  readonly now: number;
}

/**
 * Ends an SSO session and tells every relying party that joined it (OIDC Back-Channel Logout
 * 1.0): a logout token per client with a back-channel URI, delivered in parallel. The session
 * ends whatever the clients answer; each outcome is audited.
 */
export interface EndedSession {
  readonly sid: string;
  /** Back-channel participants that confirmed, and those that did not. */
  readonly notified: number;
  readonly failed: number;
  /** SAML participants: they can only be reached through the browser (front channel). */
  readonly samlParticipants: readonly SessionParticipant[];
}

export async function endSsoSession(deps: EndSessionDeps, session: SsoSession, context: EndSessionContext): Promise<EndedSession> {
  const sid = sidOf(session);
  const event = sessionEvent(session, context);
  await deps.sessions.end(session.tenant, session.idHash, [event('session.ended', 'success', { reason: context.reason, sid })]);
  const everyone = await deps.participants.list(session.tenant, sid);
  const participants = everyone.filter((p) => p.backchannelLogoutUri);
  const iat = Math.floor(context.now / 1000);
  const results = await Promise.all(
    participants.map(async (p) => {
      const token = await deps.keys.signJwt(
        session.tenant,
        { iss: context.issuer, aud: p.clientId, iat, exp: iat + 120, jti: randomUUID(), sub: session.userId, sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
        { typ: 'logout+jwt' },
      );
      const ok = await deps.deliver(p.backchannelLogoutUri!, token).catch(() => false);
      await deps.auditLog.record(event('logout.backchannel', ok ? 'success' : 'failure', { clientId: p.clientId, sid }));
      return ok;
    }),
  );
  await deps.participants.forget(session.tenant, sid);
  return { sid, notified: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length, samlParticipants: everyone.filter((p) => p.saml) };
}

const sessionEvent = (session: SsoSession, context: EndSessionContext) => (type: AuditEventType, outcome: 'success' | 'failure', details: Record<string, unknown>) =>
  createAuditEvent({ tenant: session.tenant, type, actor: { kind: 'user', id: session.userId }, subject: session.userId, clientIp: context.clientIp, userAgent: context.userAgent, correlationId: context.correlationId, outcome, time: new Date(context.now), details });

/**
 * Ends a session where the user's browser takes no part (an administrator's or a provisioning
 * client's decision). SAML participants can only be told through that browser (no SOAP back
 * channel here), so the audit trail names each SP that was not told.
 */
export async function endSsoSessionWithoutBrowser(deps: EndSessionDeps, session: SsoSession, context: EndSessionContext): Promise<EndedSession> {
  const ended = await endSsoSession(deps, session, context);
  if (ended.samlParticipants.length > 0) {
    const participants = ended.samlParticipants.map((p) => ({ spId: p.saml!.spId, result: 'not_reached' }));
    await deps.auditLog.record(sessionEvent(session, context)('saml.logout', 'failure', { initiator: { idp: true }, reason: 'no_browser', participants, sid: ended.sid }));
  }
  return ended;
}

/** Ends every live session of a user: an administrator's or a provisioning client's decision (lock, disable, delete). */
export async function endUserSessions(deps: EndSessionDeps, tenant: string, userId: string, context: EndSessionContext): Promise<number> {
  const sessions = await deps.sessions.listForUser(tenant, userId, context.now);
  for (const session of sessions) await endSsoSessionWithoutBrowser(deps, session, context);
  return sessions.length;
}

/** The HTTP delivery of a logout token (Back-Channel Logout §2.5): a form POST, 2xx is success, 5 s at most. */
export async function postLogoutToken(uri: string, logoutToken: string): Promise<boolean> {
  const response = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: logoutToken }),
    redirect: 'manual',
    signal: AbortSignal.timeout(5000),
  });
  return response.ok;
}
