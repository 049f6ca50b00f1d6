import type { AuditEvent } from './event.ts';

/**
 * What one event adds to its tenant's stored counters (analytics for dashboards): per day, per
 * counter name. Counter names are fixed words, or a fixed word and a short slug from a closed
 * vocabulary (an authenticator, a grant type); nothing a caller chose freely.
 */
export interface CounterChange {
  readonly day: string;
  readonly month: string;
  readonly increments: Readonly<Record<string, number>>;
  /** Counted once per day and month among the active users. */
  readonly activeUser?: string;
  /** The tenant's open SSO sessions go up or down. */
  readonly sessionsDelta?: 1 | -1;
}

const slug = (value: unknown) => (typeof value === 'string' && /^[a-z][a-z0-9_]{0,31}$/.test(value) ? value : 'other');
const userOf = (event: AuditEvent) => (event.subject && !event.subject.includes(':') ? event.subject : undefined);

export function counterChange(event: AuditEvent): CounterChange | undefined {
  const details = event.details as Record<string, unknown>;
  const base = { day: event.time.slice(0, 10), month: event.time.slice(0, 7) };
  const user = userOf(event);
  switch (event.type) {
    case 'signin.success':
      return { ...base, increments: { signins_success: 1, [`auth_${slug(details.method)}`]: 1 }, ...(user ? { activeUser: user } : {}) };
    case 'signin.failure':
      return { ...base, increments: { signins_failure: 1 } };
    case 'signin.denied':
      return { ...base, increments: { signins_denied: 1 } };
    case 'mfa.success':
      return { ...base, increments: { mfa_success: 1, [`auth_${slug(details.method)}`]: 1 } };
    case 'mfa.failure':
      return { ...base, increments: { mfa_failure: 1 } };
    case 'user.locked':
      return { ...base, increments: { lockouts: 1 } };
    case 'token.issued':
      return { ...base, increments: { tokens_issued: 1, [`grant_${slug(details.grantType)}`]: 1 } };
    case 'token.refreshed':
      return { ...base, increments: { tokens_refreshed: 1 }, ...(user ? { activeUser: user } : {}) };
    case 'token.reuse_detected':
      return { ...base, increments: { token_reuse: 1 } };
    case 'session.started':
      return { ...base, increments: { sessions_started: 1 }, sessionsDelta: 1 };
    case 'session.ended':
      return { ...base, increments: { sessions_ended: 1 }, sessionsDelta: -1 };
    default:
      return undefined;
  }
}
