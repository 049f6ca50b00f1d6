import { applicationOf } from './audit-query.ts';
import type { AuditEvent } from './event.ts';

/**
 * What one event adds to its tenant's stored counters (analytics for dashboards): per day, per
 * counter name. Counter names are fixed words, a fixed word and a short slug from a closed
 * vocabulary (an authenticator, a grant type), or `app:` and an application's id (sign-ins per
 * application); nothing else a caller chose.
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

/** Sign-ins per application: a client id or SP id as it stands when it is a plain identifier. */
const appCounter = (event: AuditEvent): Record<string, number> => {
  const application = applicationOf(event);
  return { [`app:${application && /^[\w.-]{1,128}$/.test(application) ? application : 'other'}`]: 1 };
};

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
      return { ...base, increments: { tokens_issued: 1, [`grant_${slug(details.grantType)}`]: 1, ...(details.grantType === 'authorization_code' ? appCounter(event) : {}) } };
    case 'saml.sso':
      return event.outcome === 'success' ? { ...base, increments: { saml_sso: 1, ...appCounter(event) } } : undefined;
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
