import { createHash } from 'node:crypto';
import type { AuditEvent } from './event.ts';

/**
 * Tamper evidence for the audit trail, modelled on CloudTrail's log file integrity validation:
 * every hour of a tenant's trail gets a digest listing each event's id and hash in order, and the
 * hash of the previous digest, signed with the tenant's signing key. Changing, removing, adding or
 * reordering an event, or removing a digest, breaks a hash, a list or the chain.
 */
export const digestPeriodMs = 3_600_000;
/** Events of an hour are sealed only after this much more time, so late writes of that hour are in. */
export const digestGraceMs = 5 * 60_000;
/** Events per digest part: a digest stays well under DynamoDB's item size. */
export const eventsPerPart = 2_000;

export const hourOf = (time: number) => Math.floor(time / digestPeriodMs) * digestPeriodMs;

/** JSON with object keys sorted at every level: the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
/** How a digest hashes an event; the platform's is keyed so that erasure (pseudonyms) keeps hashes (see pseudonyms.ts). */
export type EventHasher = (event: AuditEvent) => string;
export const eventHash: EventHasher = (event) => sha256(canonicalJson(event));

/** What a digest says (the signed payload). */
export interface DigestPayload {
  readonly typ: 'audit-digest';
  readonly tenant: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly part: number;
  /** Whether another part of the same period follows. */
  readonly more: boolean;
  /** [event id, event hash] in the trail's order (time, then id). */
  readonly events: readonly (readonly [string, string])[];
  /** sha256 of the previous digest (its compact JWS), or null for the tenant's first. */
  readonly previous: string | null;
}

/** The digests of one period, in parts of at most `eventsPerPart` events, chained from `previous`. */
export function digestPayloads(tenant: string, periodStart: number, events: readonly AuditEvent[], hash: EventHasher = eventHash): Omit<DigestPayload, 'previous'>[] {
  const listed = events.map((e) => [e.id, hash(e)] as const);
  const parts = Math.max(1, Math.ceil(listed.length / eventsPerPart));
  return Array.from({ length: parts }, (_, part) => ({
    typ: 'audit-digest',
    tenant,
    periodStart: new Date(periodStart).toISOString(),
    periodEnd: new Date(periodStart + digestPeriodMs).toISOString(),
    part,
    more: part < parts - 1,
    events: listed.slice(part * eventsPerPart, (part + 1) * eventsPerPart),
  }));
}

export type IntegrityProblem =
  | { readonly kind: 'missing' | 'altered' | 'unlisted' | 'reordered'; readonly eventId: string; readonly period: string }
  | { readonly kind: 'bad_signature' | 'chain_broken' | 'digest_missing'; readonly period: string; readonly part?: number };

/** A stored digest as the verifier sees it: its payload, and whether its signature checked out (or could not be checked). */
export interface CheckedDigest {
  readonly jws: string;
  readonly payload: DigestPayload;
  readonly signature: 'valid' | 'invalid' | 'key_unavailable';
}

/**
 * Walks a run of digests (oldest first, with the digest before the run when there is one) and the
 * events now in the table for the periods they cover, and names every difference: events missing,
 * altered, unlisted or out of order; digests with a bad signature, a broken chain, or a gap.
 */
export function verifyTrail(digests: readonly CheckedDigest[], before: CheckedDigest | undefined, eventsOf: (periodStart: string) => readonly AuditEvent[], hashOf: EventHasher = eventHash): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  let previous = before;
  const periods = new Map<string, CheckedDigest[]>();
  for (const digest of digests) {
    const { periodStart, part } = digest.payload;
    if (digest.signature === 'invalid') problems.push({ kind: 'bad_signature', period: periodStart, part });
    if (previous) {
      if (digest.payload.previous !== sha256(previous.jws)) problems.push({ kind: 'chain_broken', period: periodStart, part });
      const continues = previous.payload.more ? previous.payload.periodStart === periodStart && part === previous.payload.part + 1 : previous.payload.periodEnd === periodStart && part === 0;
      if (!continues) problems.push({ kind: 'digest_missing', period: previous.payload.more ? previous.payload.periodStart : previous.payload.periodEnd });
    }
    (periods.get(periodStart) ?? periods.set(periodStart, []).get(periodStart)!).push(digest);
    previous = digest;
  }
  for (const [period, parts] of periods) {
    const listed = parts.flatMap((p) => p.payload.events);
    const actual = eventsOf(period);
    const listedHash = new Map(listed.map(([id, hash]) => [id, hash]));
    const actualIds = new Set(actual.map((e) => e.id));
    for (const [id] of listed) if (!actualIds.has(id)) problems.push({ kind: 'missing', eventId: id, period });
    for (const event of actual) {
      const hash = listedHash.get(event.id);
      if (hash === undefined) problems.push({ kind: 'unlisted', eventId: event.id, period });
      else if (hash !== hashOf(event)) problems.push({ kind: 'altered', eventId: event.id, period });
    }
    // Order: the events present in both, as the digest lists them and as the table holds them now.
    const inDigest = listed.map(([id]) => id).filter((id) => actualIds.has(id));
    const inTable = actual.map((e) => e.id).filter((id) => listedHash.has(id));
    inTable.forEach((id, i) => {
      if (inDigest[i] !== id) problems.push({ kind: 'reordered', eventId: id, period });
    });
  }
  return problems;
}

/**
 * Where the sealed trail should reach by now: the hourly job seals an hour once its grace period
 * is over, so one more hour of slack covers a run that is late. A trail sealed less far than
 * this, while it has events that old, had its latest digests removed (or the job is failing).
 */
export function sealingOverdue(sealedUntil: string | undefined, firstEventTime: string | undefined, now: number): string | undefined {
  const due = hourOf(now - digestGraceMs) - digestPeriodMs;
  const start = sealedUntil ?? (firstEventTime !== undefined ? new Date(hourOf(Date.parse(firstEventTime))).toISOString() : undefined);
  return start !== undefined && Date.parse(start) < due ? start : undefined;
}
