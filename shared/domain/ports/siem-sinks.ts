import type { AuditEvent } from '../audit/event.ts';
import type { SiemSink } from '../audit/siem-sink.ts';
import type { Page, PageRequest } from './pages.ts';

/** A tenant's SIEM sinks (Directory table), each change written with its audit events. */
export interface SiemSinkRegistry {
  get(tenant: string, id: string): Promise<SiemSink | undefined>;
  list(tenant: string, page: PageRequest): Promise<Page<SiemSink>>;
  /** Every sink of a tenant (a tenant has a handful), for delivery: read consistently, so a sink just added is there. */
  all(tenant: string): Promise<SiemSink[]>;
  create(sink: SiemSink, events: readonly AuditEvent[]): Promise<void>;
  /** Replaces `previous` (still at its version); false when it changed or is gone. */
  replace(previous: SiemSink, next: SiemSink, events: readonly AuditEvent[]): Promise<boolean>;
  remove(sink: SiemSink, events: readonly AuditEvent[]): Promise<boolean>;
}

/**
 * Which events each sink has taken (Sessions table, kept a day): a redelivered event, from the
 * stream's at-least-once delivery or a retry after another sink failed, is not posted twice.
 */
export interface SiemDeliveries {
  /** Whether the event was delivered to the sink already. */
  delivered(tenant: string, sinkId: string, eventId: string): Promise<boolean>;
  /** Records a delivery that succeeded. */
  record(tenant: string, sinkId: string, eventId: string, now: number): Promise<void>;
}
