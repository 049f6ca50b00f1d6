import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
