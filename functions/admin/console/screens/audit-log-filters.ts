import { auditCatalogue } from '../../../../shared/domain/audit/catalogue.ts';

/**
 * The audit log's filters as the console's GET form sends them (so a filtered view is a link),
 * turned into the admin API's search query, or into the one sentence that says what is wrong.
 * The API validates the query again; this only makes the common mistakes read well.
 */

export const eventTypes = Object.keys(auditCatalogue).sort();
export const outcomes = ['success', 'failure', 'denied', 'error'] as const;

/** What the administrator typed, kept to re-fill the form. */
export interface AuditFilters {
  readonly type: string;
  readonly outcome: string;
  readonly subject: string;
  readonly actor: string;
  readonly application: string;
  readonly from: string;
  readonly to: string;
}

const filterNames = ['type', 'outcome', 'subject', 'actor', 'application', 'from', 'to'] as const satisfies readonly (keyof AuditFilters)[];
const labels: Record<keyof AuditFilters, string> = { type: 'Event type', outcome: 'Outcome', subject: 'Subject', actor: 'Actor', application: 'Application', from: 'From', to: 'To' };
const textFilters = ['subject', 'actor', 'application'] as const;
const maxText = 256;

export type ParsedFilters =
  | { readonly filters: AuditFilters; readonly query: Record<string, string>; readonly problem?: undefined }
  | { readonly filters: AuditFilters; readonly problem: string };

/** Enough of a value to name it in a message. */
const shown = (value: string) => (value.length > 60 ? `${value.slice(0, 60)}…` : value);

const localTime = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?)?$/;
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A date and time of the form: `2026-05-01T09:30` (a datetime-local field, read as UTC), a bare
 * day, or an ISO 8601 instant with its offset. A day that does not exist (2026-02-31) is refused,
 * not rolled over.
 */
export function instantOf(value: string, endOfDay = false): string | undefined {
  const local = localTime.exec(value);
  if (local) {
    const [, day, time, seconds] = local;
    const date = new Date(`${day}T${time ?? '00:00'}${seconds ?? ':00'}Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return undefined;
    return new Date(date.getTime() + (time === undefined && endOfDay ? 86_400_000 : 0)).toISOString();
  }
  if (!isoWithOffset.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function filtersOf(params: URLSearchParams): ParsedFilters {
  const value = (name: keyof AuditFilters) => (params.get(name) ?? '').trim();
  const filters: AuditFilters = { type: value('type'), outcome: value('outcome'), subject: value('subject'), actor: value('actor'), application: value('application'), from: value('from'), to: value('to') };
  // What the form re-shows is bounded too: a pasted megabyte is not echoed back.
  const bounded = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v.slice(0, maxText)])) as unknown as AuditFilters;
  const refuse = (problem: string): ParsedFilters => ({ filters: bounded, problem });

  for (const name of [...filterNames, 'cursor', 'format']) if (params.getAll(name).length > 1) return refuse(`The filter “${name}” was given more than once; give it once.`);
  if (filters.type && !Object.hasOwn(auditCatalogue, filters.type)) return refuse(`There is no event type “${shown(filters.type)}”; choose one from the list.`);
  if (filters.outcome && !(outcomes as readonly string[]).includes(filters.outcome)) return refuse(`The outcome “${shown(filters.outcome)}” is not one of ${outcomes.join(', ')}.`);
  for (const name of textFilters) if (filters[name].length > maxText) return refuse(`${labels[name]} may be at most ${maxText} characters.`);

  const query: Record<string, string> = {};
  for (const name of ['type', 'outcome', ...textFilters] as const) if (filters[name]) query[name] = filters[name];
  for (const name of ['from', 'to'] as const) {
    if (!filters[name]) continue;
    const instant = filters[name].length <= 40 ? instantOf(filters[name], name === 'to') : undefined;
    if (!instant) return refuse(`${labels[name]} “${shown(filters[name])}” is not a date and time such as 2026-05-01T09:30 (UTC).`);
    query[name] = instant;
  }
  if (query.from && query.to && query.from >= query.to) return refuse('From must be before To.');
  return { filters, query };
}

/** The filters as a query string for links (the next page, the export), only those given. */
export function filterQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const name of filterNames) if (filters[name]) params.set(name, filters[name]);
  for (const [name, v] of Object.entries(extra)) params.set(name, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}
