import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantLookup } from '../../domain/ports/tenant-lookup.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';

export const tenantKey = (slug: string) => ({ pk: `TENANT#${slug}`, sk: 'TENANT' });

export function createTenantDirectory(client: DynamoDBDocumentClient, tableName: string): TenantLookup {
  return {
    async findTenant(slug) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: tenantKey(slug) }));
      if (!Item) return undefined;
      return { id: Item.id, slug: Item.slug, displayName: Item.displayName, status: Item.status } as Tenant;
    },
  };
}
