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
  /** Tells a SAML participant server to server (SOAP), when the user's browser is not there to carry the logout. */
  readonly samlBackChannel?: (participant: SessionParticipant) => Promise<'success' | 'failure' | 'not_reached'>;
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
 * client's decision). SAML participants with a SOAP logout endpoint are told server to server;
 * the others could only be told through the browser, and the audit trail names them.
 */
export async function endSsoSessionWithoutBrowser(deps: EndSessionDeps, session: SsoSession, context: EndSessionContext): Promise<EndedSession> {
  const ended = await endSsoSession(deps, session, context);
  if (ended.samlParticipants.length > 0) {
    const tell = deps.samlBackChannel ?? (async () => 'not_reached' as const);
    const participants = await Promise.all(ended.samlParticipants.map(async (p) => ({ spId: p.saml!.spId, result: await tell(p) })));
    const complete = participants.every((p) => p.result === 'success');
    await deps.auditLog.record(sessionEvent(session, context)('saml.logout', complete ? 'success' : 'failure', { initiator: { idp: true }, ...(complete ? {} : { reason: 'no_browser' }), participants, sid: ended.sid }));
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
