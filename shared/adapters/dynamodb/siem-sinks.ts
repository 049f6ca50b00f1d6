import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { SiemSink } from '../../domain/audit/siem-sink.ts';
import type { SiemDeliveries, SiemSinkRegistry } from '../../domain/ports/siem-sinks.ts';
import { auditPuts } from './audit-item.ts';
import { cancellationCodes, conditionFailedAt, tenantPk, ttlSeconds } from './keys.ts';
import { queryPage } from './listing.ts';
import type { TableNames } from './table-names.ts';

const sinkSk = (id: string) => `SIEMSINK#${id}`;

const sinkOf = (item: Record<string, unknown>): SiemSink => {
  const { pk: _pk, sk: _sk, ...sink } = item;
  return sink as unknown as SiemSink;
};

export function createSiemSinkRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): SiemSinkRegistry {
  const T = tables.directory;
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  const item = (sink: SiemSink) => ({ pk: tenantPk(sink.tenant), sk: sinkSk(sink.id), ...sink });

  async function write(items: object[]): Promise<boolean> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items as never }));
      return true;
    } catch (error) {
      if (conditionFailedAt(cancellationCodes(error), [0])) return false;
      throw error;
    }
  }

  return {
    async get(tenant, id) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: { pk: tenantPk(tenant), sk: sinkSk(id) } }));
      return Item && Item.tenant === tenant ? sinkOf(Item) : undefined;
    },
    async list(tenant, page) {
      const result = await queryPage(db, T, tenantPk(tenant), sinkSk(''), page);
      return { ...result, items: result.items.map(sinkOf) };
    },
    async all(tenant) {
      const { Items } = await db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':sk': sinkSk('') }, ConsistentRead: true, Limit: 100 }));
      return (Items ?? []).map(sinkOf);
    },
    async create(sink, events) {
      await write([{ Put: { TableName: T, Item: item(sink), ConditionExpression: 'attribute_not_exists(pk)' } }, ...audit(events)]);
    },
    async replace(previous, next, events) {
      return write([{ Put: { TableName: T, Item: item(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } } }, ...audit(events)]);
    },
    async remove(sink, events) {
      return write([{ Delete: { TableName: T, Key: { pk: tenantPk(sink.tenant), sk: sinkSk(sink.id) }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': sink.version } } }, ...audit(events)]);
    },
  };
}

const deliveryKey = (tenant: string, sinkId: string, eventId: string) => ({ pk: `TENANT#${tenant}#SIEMDELIVERY#${sinkId}#${eventId}`, sk: 'DELIVERED' });
const deliveryMemoryMs = 24 * 60 * 60_000;

export function createSiemDeliveries(db: DynamoDBDocumentClient, tables: TableNames): SiemDeliveries {
  return {
    async delivered(tenant, sinkId, eventId) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.sessions, Key: deliveryKey(tenant, sinkId, eventId), ConsistentRead: true }));
      return Item !== undefined;
    },
    async record(tenant, sinkId, eventId, now) {
      await db.send(new PutCommand({ TableName: tables.sessions, Item: { ...deliveryKey(tenant, sinkId, eventId), tenant, expiresAt: ttlSeconds(now + deliveryMemoryMs) } }));
    },
  };
}
