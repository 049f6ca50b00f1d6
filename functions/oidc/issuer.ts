import type { Tenant } from '../../shared/domain/tenants/tenant.ts';

/** The tenant's issuer identifier (OIDC Discovery §4.3): the public URL and the tenant path. */
export const issuerOf = (publicUrl: string, tenant: Tenant) => `${publicUrl}/t/${tenant.slug}`;
