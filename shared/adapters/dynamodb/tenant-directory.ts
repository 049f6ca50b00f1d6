import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { TenantSettingsStore } from '../../domain/ports/tenant-settings-store.ts';
import { settingsOf } from '../../domain/tenants/tenant.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure } from './keys.ts';
import type { TenantCatalogue } from '../../domain/ports/tenant-catalogue.ts';
import type { TenantLookup } from '../../domain/ports/tenant-lookup.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';

export const tenantKey = (slug: string) => ({ pk: `TENANT#${slug}`, sk: 'TENANT' });

/** The Directory item of a tenant; gsi2 lists every tenant for the jobs that visit them all. */
export function tenantItem(tenant: Tenant): Record<string, unknown> {
  return { ...tenantKey(tenant.slug), gsi2pk: 'TENANTS', gsi2sk: tenant.slug, ...tenant };
}

const tenantOf = (item: Record<string, unknown>): Tenant =>
  ({ id: item.id, slug: item.slug, displayName: item.displayName, status: item.status, ...(item.settings ? { settings: item.settings } : {}) }) as Tenant;

export function createTenantDirectory(client: DynamoDBDocumentClient, tableName: string): TenantLookup & TenantCatalogue {
  return {
    async findTenant(slug) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: tenantKey(slug) }));
      return Item ? tenantOf(Item) : undefined;
    },
    async *listTenants() {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :all',
            ExpressionAttributeValues: { ':all': 'TENANTS' },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) yield tenantOf(item);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    },
  };
}

export function createTenantSettingsStore(client: DynamoDBDocumentClient, tables: { directory: string; audit: string }, auditRetentionDays: number): TenantSettingsStore {
  return {
    async readSettings(tenant) {
      const { Item } = await client.send(new GetCommand({ TableName: tables.directory, Key: tenantKey(tenant), ConsistentRead: true }));
      if (!Item || Item.status !== 'active') return undefined;
      return { settings: settingsOf(tenantOf(Item)), version: Number(Item.settingsVersion ?? 0) };
    },
    async writeSettings(tenant, settings, expectedVersion, events: readonly AuditEvent[]) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tables.directory,
                  Key: tenantKey(tenant),
                  UpdateExpression: 'SET settings = :settings, settingsVersion = :next',
                  ConditionExpression: '#status = :active AND (settingsVersion = :expected OR (attribute_not_exists(settingsVersion) AND :expected = :zero))',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':settings': settings, ':next': expectedVersion + 1, ':expected': expectedVersion, ':zero': 0, ':active': 'active' },
                },
              },
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
  };
}
