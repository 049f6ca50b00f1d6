import { applicationOf } from '../../domain/audit/audit-query.ts';
import type { AuditEvent } from '../../domain/audit/event.ts';

const day = 86_400;

/**
 * The Audit table item of an event: the event itself plus its keys and expiry. Details
 * are kept as a JSON string, so every consumer of the stream reads them back exactly.
 */
export function auditItem(event: AuditEvent, retentionDays: number): Record<string, unknown> {
  const tenantKey = `TENANT#${event.tenant}`;
  const application = applicationOf(event);
  return {
    pk: tenantKey,
    sk: `EVENT#${event.time}#${event.id}`,
    gsi1pk: `${tenantKey}#TYPE#${event.type}`,
    gsi1sk: event.time,
    ...(event.subject ? { gsi2pk: `${tenantKey}#SUBJECT#${event.subject}`, gsi2sk: event.time } : {}),
    // The application an event concerns, as its own attribute so searches can filter on it.
    ...(application !== undefined ? { app: application } : {}),
    expiresAt: Math.floor(Date.parse(event.time) / 1000) + retentionDays * day,
    ...event,
    details: JSON.stringify(event.details),
  };
}

/** The event held in an Audit table item (as the stream delivers it, once unmarshalled). */
export function eventFromAuditItem(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, expiresAt: _e, app: _a, details, ...event } = item;
  return { ...event, details: JSON.parse(String(details)) as Record<string, unknown> } as unknown as AuditEvent;
}

/**
 * The transaction items that write events beside the change they record (ARCHITECTURE §7):
 * the event is written in the same transaction, once (an event id is never overwritten).
 */
export function auditPuts(auditTable: string, events: readonly AuditEvent[], retentionDays: number) {
  return events.map((event) => ({ Put: { TableName: auditTable, Item: auditItem(event, retentionDays), ConditionExpression: 'attribute_not_exists(pk)' } }));
}
