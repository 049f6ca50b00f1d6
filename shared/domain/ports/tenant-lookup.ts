import type { Tenant } from '../tenants/tenant.ts';

export interface TenantLookup {
  findTenant(slug: string): Promise<Tenant | undefined>;
}
