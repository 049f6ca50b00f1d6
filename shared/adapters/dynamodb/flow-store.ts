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

/**
 * Current flows as a warm process last read them (absent ones too: most applications follow the
 * default), for as long as the tenant cache trusts settings: every sign-in, authorization and
 * assertion reads them, often twice. Shared by the functions of one process, and dropped there
 * when a flow is published or removed; other processes see a change within the TTL, as with
 * settings.
 */
const recentFlows = new Map<string, { flow: StoredFlow | undefined; until: number }>();
const recentFlowsMax = 2_000;
const flowTtlMs = () => Number(process.env.TENANT_CACHE_TTL_MS) || 30_000;
const cacheKey = (tenant: string, name: string) => `${tenant}\n${name}`;

export function createFlowStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): FlowStore {
  const D = tables.directory;
  return {
    async current(tenant, name) {
      const key = cacheKey(tenant, name);
      const cached = recentFlows.get(key);
      if (cached && cached.until > Date.now()) return cached.flow;
      const flow = flowOf((await db.send(new GetCommand({ TableName: D, Key: currentKey(tenant, name) }))).Item);
      if (recentFlows.size >= recentFlowsMax) recentFlows.delete(recentFlows.keys().next().value!);
      recentFlows.set(key, { flow, until: Date.now() + flowTtlMs() });
      return flow;
    },
    async version(tenant, name, version) {
      return flowOf((await db.send(new GetCommand({ TableName: D, Key: versionKey(tenant, name, version) }))).Item);
    },
    async versions(tenant, name) {
      const items = await queryAll(db, { TableName: D, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `FLOWVERSION#${name}#` } });
      return items.map((item) => flowOf(item)!);
    },
    async publish(tenant, flow, expectedVersion, events) {
      recentFlows.delete(cacheKey(tenant, flow.name));
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
        // Again after the write: a read between the first drop and the write may have cached the old flow.
        recentFlows.delete(cacheKey(tenant, flow.name));
        return 'done';
      } catch (error) {
        if (isConditionFailure(error)) return 'conflict';
        throw error;
      }
    },
    async remove(tenant, name, events) {
      recentFlows.delete(cacheKey(tenant, name));
      try {
        await db.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: D, Key: currentKey(tenant, name), ConditionExpression: 'attribute_exists(pk)' } }, ...auditPuts(tables.audit, events, auditRetentionDays)] }));
        recentFlows.delete(cacheKey(tenant, name));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
