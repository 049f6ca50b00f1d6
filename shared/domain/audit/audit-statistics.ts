import type { AuditEvent } from './event.ts';
import { applicationOf } from './audit-query.ts';

/** The event types a report reads (one index query each). */
export const reportedTypes = [
  'signin.success', 'signin.failure', 'signin.denied',
  'mfa.challenge', 'mfa.success', 'mfa.failure',
  'user.locked', 'token.issued', 'token.refreshed', 'token.reuse_detected', 'saml.sso', 'ratelimit.exceeded',
] as const;
export type ReportedType = (typeof reportedTypes)[number];

const dayOf = (time: string) => time.slice(0, 10);

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${dayOf(from)}T00:00:00Z`); t < Date.parse(to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

/**
 * The sign-in statistics of a period, from that period's events of the reported types: sign-ins
 * by outcome and day, second factors, authenticators, applications, active users (distinct
 * users who signed in or refreshed a token) per day and over the period, lockouts and tokens.
 */
export function auditStatistics(events: Readonly<Record<ReportedType, readonly AuditEvent[]>>, from: string, to: string, truncated: boolean) {
  const success = events['signin.success'];
  const failure = events['signin.failure'];
  const userIds = (list: readonly AuditEvent[]) => list.map((e) => e.subject).filter((s): s is string => s !== undefined && !s.startsWith('client:'));
  const active = [...success, ...events['token.refreshed']];
  const byDay = (list: readonly AuditEvent[]) => countBy(list, (e) => dayOf(e.time));
  const successByDay = byDay(success);
  const failureByDay = byDay(failure);
  const activeByDay = new Map<string, Set<string>>();
  for (const e of active) {
    const users = activeByDay.get(dayOf(e.time)) ?? new Set<string>();
    for (const id of userIds([e])) users.add(id);
    activeByDay.set(dayOf(e.time), users);
  }
  const mfaUsersByDay = new Set(events['mfa.success'].map((e) => `${dayOf(e.time)}|${e.subject}`));
  const signInsWithMfa = success.filter((e) => mfaUsersByDay.has(`${dayOf(e.time)}|${e.subject}`)).length;
  const applications = [...events['token.issued'].filter((e) => (e.details as { grantType?: string }).grantType === 'authorization_code'), ...events['saml.sso'].filter((e) => e.outcome === 'success')];
  const byApplication = Object.entries(countBy(applications, (e) => applicationOf(e))).map(([application, signIns]) => ({ application, signIns })).sort((a, b) => b.signIns - a.signIns);
  return {
    period: { from, to },
    truncated,
    signIns: { success: success.length, failure: failure.length, denied: events['signin.denied'].length, failureRate: ratio(failure.length, success.length + failure.length) },
    signInsByDay: days(from, to).map((date) => ({ date, success: successByDay[date] ?? 0, failure: failureByDay[date] ?? 0 })),
    failureReasons: countBy(failure, (e) => String((e.details as { reason?: unknown }).reason ?? 'unknown')),
    mfa: { challenges: events['mfa.challenge'].length, success: events['mfa.success'].length, failure: events['mfa.failure'].length, signInsWithMfa, adoptionRate: ratio(signInsWithMfa, success.length) },
    byAuthenticator: countBy([...success, ...events['mfa.success']], (e) => String((e.details as { method?: unknown }).method ?? 'unknown')),
    byApplication,
    activeUsers: { period: new Set(userIds(active)).size, byDay: days(from, to).map((date) => ({ date, users: activeByDay.get(date)?.size ?? 0 })) },
    lockouts: events['user.locked'].length,
    tokens: {
      issued: events['token.issued'].length,
      refreshed: events['token.refreshed'].length,
      reuseDetected: events['token.reuse_detected'].length,
      byGrantType: countBy(events['token.issued'], (e) => String((e.details as { grantType?: unknown }).grantType ?? 'unknown')),
    },
    rateLimited: events['ratelimit.exceeded'].length,
  };
}

export type AuditStatistics = ReturnType<typeof auditStatistics>;
