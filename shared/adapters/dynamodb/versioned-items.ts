import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { Page, PageRequest } from '../../domain/ports/pages.ts';
import { auditPuts } from './audit-item.ts';
import { cancellationCodes, conditionFailedAt, tenantPk } from './keys.ts';
import { queryPage } from './listing.ts';
import type { TableNames } from './table-names.ts';

interface Versioned {
  readonly tenant: string;
  readonly id: string;
  readonly version: number;
}

/**
 * A tenant's resources of one kind in the Directory table (sk `{prefix}{id}`), each written at
 * its version (optimistic concurrency) in one transaction with its audit events.
 */
export function versionedItems<T extends Versioned>(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number, prefix: string) {
  const T = tables.directory;
  const sk = (id: string) => `${prefix}${id}`;
  const of = (item: Record<string, unknown>): T => {
    const { pk: _pk, sk: _sk, ...rest } = item;
    return rest as unknown as T;
  };
  const item = (value: T) => ({ pk: tenantPk(value.tenant), sk: sk(value.id), ...value });
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  async function write(items: object[]): Promise<boolean> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items as never }));
      return true;
    } catch (error) {
      if (conditionFailedAt(cancellationCodes(error), [0])) return false;
      throw error;
    }
  }
  const atVersion = (version: number) => ({ ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } });
  return {
    async get(tenant: string, id: string): Promise<T | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: { pk: tenantPk(tenant), sk: sk(id) } }));
      return Item && Item.tenant === tenant ? of(Item) : undefined;
    },
    async list(tenant: string, page: PageRequest): Promise<Page<T>> {
      const result = await queryPage(db, T, tenantPk(tenant), sk(''), page);
      return { ...result, items: result.items.map(of) };
    },
    /** Every one of a tenant's (a handful), read consistently. */
    async all(tenant: string): Promise<T[]> {
      const { Items } = await db.send(new QueryCommand({ TableName: T, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':sk': sk('') }, ConsistentRead: true, Limit: 100 }));
      return (Items ?? []).map(of);
    },
    async create(value: T, events: readonly AuditEvent[]): Promise<void> {
      await write([{ Put: { TableName: T, Item: item(value), ConditionExpression: 'attribute_not_exists(pk)' } }, ...audit(events)]);
    },
    replace: (previous: T, next: T, events: readonly AuditEvent[]) => write([{ Put: { TableName: T, Item: item(next), ...atVersion(previous.version) } }, ...audit(events)]),
    remove: (value: T, events: readonly AuditEvent[]) => write([{ Delete: { TableName: T, Key: { pk: tenantPk(value.tenant), sk: sk(value.id) }, ...atVersion(value.version) } }, ...audit(events)]),
  };
}
