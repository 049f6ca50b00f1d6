import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FlowStore, StoredFlow } from '../../domain/ports/flow-store.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure, tenantPk } from './keys.ts';
import { queryAll } from './listing.ts';
import type { TableNames } from './table-names.ts';

/** The current version of a flow, and each version kept beside it (zero-padded so they sort). */
const currentKey = (tenant: string, name: string) => ({ pk: tenantPk(tenant), sk: `FLOW#${name}` });
const versionKey = (tenant: string, name: string, version: number) => ({ pk: tenantPk(tenant), sk: `FLOWVERSION#${name}#${String(version).padStart(8, '0')}` });

const flowOf = (item: Record<string, unknown> | undefined): StoredFlow | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...flow } = item;
  return flow as unknown as StoredFlow;
};

export function createFlowStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): FlowStore {
  const D = tables.directory;
  return {
    async current(tenant, name) {
      return flowOf((await db.send(new GetCommand({ TableName: D, Key: currentKey(tenant, name) }))).Item);
    },
    async version(tenant, name, version) {
      return flowOf((await db.send(new GetCommand({ TableName: D, Key: versionKey(tenant, name, version) }))).Item);
    },
    async versions(tenant, name) {
      const items = await queryAll(db, { TableName: D, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `FLOWVERSION#${name}#` } });
      return items.map((item) => flowOf(item)!);
    },
    async publish(tenant, flow, expectedVersion, events) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: D,
                  Item: { ...currentKey(tenant, flow.name), ...flow },
                  ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                  ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
                },
              },
              { Put: { TableName: D, Item: { ...versionKey(tenant, flow.name, flow.version), ...flow }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ...auditPuts(tables.audit, events, auditRetentionDays),
            ],
          }),
        );
        return 'done';
      } catch (error) {
        if (isConditionFailure(error)) return 'conflict';
        throw error;
      }
    },
    async remove(tenant, name, events) {
      try {
        await db.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: D, Key: currentKey(tenant, name), ConditionExpression: 'attribute_exists(pk)' } }, ...auditPuts(tables.audit, events, auditRetentionDays)] }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
