import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantItem } from '../../shared/adapters/dynamodb/tenant-directory.ts';
import type { Tenant, TenantStatus } from '../../shared/domain/tenants/tenant.ts';

export const uniqueSlug = (prefix = 't') => `${prefix}-${randomBytes(5).toString('hex')}`;

/** Writes a tenant straight into the Directory, for tests of features that sit under a tenant. */
export async function seedTenant(db: DynamoDBDocumentClient, status: TenantStatus = 'active', slug = uniqueSlug()): Promise<Tenant> {
  const tenant: Tenant = { id: slug, slug, displayName: `Tenant ${slug}`, status };
  await db.send(new PutCommand({ TableName: process.env.DIRECTORY_TABLE ?? 'Directory', Item: tenantItem(tenant) }));
  return tenant;
}
