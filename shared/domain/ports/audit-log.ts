import type { CounterChange } from '../audit/counters.ts';
import type { AuditSearch } from '../audit/audit-query.ts';
import type { AuditEvent } from '../audit/event.ts';
import type { Page, PageRequest } from './pages.ts';

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** Reading the trail back (admin API): newest first, one tenant only. */
export interface AuditTrail {
  search(tenant: string, search: AuditSearch, page: PageRequest): Promise<Page<AuditEvent>>;
  /** A period's events of one type, oldest first, up to `max` (then `truncated`). */
  eventsOfType(tenant: string, type: string, from: string, to: string, max: number): Promise<{ events: AuditEvent[]; truncated: boolean }>;
}

/** A stored digest: its period, part and the compact JWS that holds its payload. */
export interface StoredDigest {
  readonly periodStart: string;
  readonly part: number;
  readonly jws: string;
}

/** The hourly digests of each tenant's trail, kept beside its events. */
export interface AuditDigests {
  /** The tenant's latest digest, if any. */
  latest(tenant: string): Promise<StoredDigest | undefined>;
  /** The time of the tenant's oldest event still in the table, if any. */
  firstEventTime(tenant: string): Promise<string | undefined>;
  /** Every event of [from, to), oldest first (time, then id). */
  eventsBetween(tenant: string, from: string, to: string): Promise<AuditEvent[]>;
  /** Stores a digest once; false when that period's part was sealed already. */
  save(tenant: string, digest: StoredDigest, expiresAt: number): Promise<boolean>;
  /** Digests whose period starts in [from, to), oldest first; and the one before them. */
  between(tenant: string, from: string, to: string): Promise<{ digests: StoredDigest[]; before?: StoredDigest }>;
}

/** Events `AuditCounters.applyAll` counts at once at most: a marker each, with at most one day and one open-sessions update each (a transaction's 100 items). */
export const eventsCountedAtOnce = 25;

/** Counters per tenant and day, kept from the audit stream (each event counted once). */
export interface AuditCounters {
  /** Applies one event's change; false when that event was counted already. */
  apply(tenant: string, eventId: string, change: CounterChange): Promise<boolean>;
  /**
   * Applies several events' changes at once, all or none (at most `eventsCountedAtOnce`): false, with nothing
   * written, when any of them was counted already.
   */
  applyAll(changes: ReadonlyArray<{ readonly tenant: string; readonly eventId: string; readonly change: CounterChange }>): Promise<boolean>;
  /** The stored counters of each day in [fromDay, toDay], and of the months they touch, and the open sessions now. */
  read(tenant: string, fromDay: string, toDay: string): Promise<{ days: Array<{ date: string; counters: Record<string, number> }>; months: Array<{ month: string; activeUsers: number }>; openSessions: number }>;
}
