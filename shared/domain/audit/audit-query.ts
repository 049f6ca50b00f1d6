import { z } from 'zod';
import type { AuditEvent, AuditOutcome } from './event.ts';

const dayMs = 86_400_000;
/** The widest period one query or report covers. */
export const maxPeriodDays = 92;

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/**
 * The filters of an audit search (admin API query parameters): a period (default the last 7
 * days, at most 92), and optionally one event type, one subject (a user id, `client:…`, …),
 * one actor (who did it: a user's or a client's id), one application (a client id or SAML SP
 * id) and one outcome.
 */
export const auditSearchSchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    type: z.string().regex(/^[a-z]+(?:\.[a-z_]+)+$/, 'an event type such as signin.failure').max(100).optional(),
    subject: z.string().min(1).max(256).optional(),
    actor: z.string().min(1).max(256).optional(),
    application: z.string().min(1).max(256).optional(),
    outcome: z.enum(['success', 'failure', 'denied', 'error']).optional(),
  })
  .strict();

export interface AuditSearch {
  readonly from: string;
  readonly to: string;
  readonly type?: string;
  readonly subject?: string;
  readonly actor?: string;
  readonly application?: string;
  readonly outcome?: AuditOutcome;
}

/** The period with its defaults, or the reason it is refused. */
export function searchOf(input: z.infer<typeof auditSearchSchema>, now: number): AuditSearch | string {
  const to = input.to ?? new Date(now).toISOString();
  const from = input.from ?? new Date(Date.parse(to) - 7 * dayMs).toISOString();
  if (Date.parse(from) >= Date.parse(to)) return 'from must be before to';
  if (Date.parse(to) - Date.parse(from) > maxPeriodDays * dayMs) return `the period may span at most ${maxPeriodDays} days`;
  const { from: _f, to: _t, ...rest } = input;
  return { ...rest, from, to };
}

/** The application an event concerns, for filtering: the client or service provider it names. */
export function applicationOf(event: Pick<AuditEvent, 'actor' | 'details'>): string | undefined {
  const details = event.details as Record<string, unknown>;
  for (const key of ['clientId', 'spId', 'application']) if (typeof details[key] === 'string') return details[key];
  return event.actor.kind === 'client' ? event.actor.id : undefined;
}

const columns = ['id', 'time', 'type', 'outcome', 'actor', 'subject', 'clientIp', 'userAgent', 'correlationId', 'details'] as const;

/**
 * A CSV cell (RFC 4180 quoting). A cell that a spreadsheet would read as a formula (starting with
 * =, +, -, @, tab or carriage return) is prefixed with ' so that opening the export runs nothing
 * (CSV injection): events carry text that users and clients chose, such as user agents.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function eventsAsCsv(events: readonly AuditEvent[], withHeader: boolean): string {
  const rows = events.map((e) =>
    [e.id, e.time, e.type, e.outcome, `${e.actor.kind}${e.actor.id ? `:${e.actor.id}` : ''}`, e.subject ?? '', e.clientIp ?? '', e.userAgent ?? '', e.correlationId ?? '', JSON.stringify(e.details)].map(csvCell).join(','),
  );
  return [...(withHeader ? [columns.join(',')] : []), ...rows].map((row) => `${row}\r\n`).join('');
}
