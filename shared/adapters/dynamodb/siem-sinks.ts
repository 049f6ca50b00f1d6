import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SiemSink } from '../../domain/audit/siem-sink.ts';
import type { SiemDeliveries, SiemSinkRegistry } from '../../domain/ports/siem-sinks.ts';
import { ttlSeconds } from './keys.ts';
import { versionedItems } from './versioned-items.ts';
import type { TableNames } from './table-names.ts';

export function createSiemSinkRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): SiemSinkRegistry {
  return versionedItems<SiemSink>(db, tables, auditRetentionDays, 'SIEMSINK#');
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
