import type { Tenant } from '../tenants/tenant.ts';

/** Every tenant, for the jobs that visit them all (key rotation). */
export interface TenantCatalogue {
  listTenants(): AsyncIterable<Tenant>;
}
