import { defaultTenantSettings, type TenantSettings } from './settings.ts';

export type TenantStatus = 'pending' | 'active' | 'suspended';

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly displayName: string;
  readonly status: TenantStatus;
  readonly settings?: TenantSettings;
}

export const settingsOf = (tenant: Tenant): TenantSettings => tenant.settings ?? defaultTenantSettings(tenant.displayName);

const slugPattern = /^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/;
const reservedSlugs = new Set([
  'api', 'admin', 'signup', 'www', 'login', 'console', 'account', 'health', 'static',
  'assets', 'auth', 'oauth2', 'saml2', 'scim2', 'system', 'platform', 'root', 't',
]);

/** A tenant slug: 3–40 lowercase letters, digits and inner hyphens, not a reserved word. */
export function isValidTenantSlug(slug: string): boolean {
  return slugPattern.test(slug) && !slug.includes('--') && !reservedSlugs.has(slug);
}

/** Only active tenants answer on their endpoints; pending and suspended ones look absent. */
export function isServing(tenant: Tenant | undefined): tenant is Tenant {
  return tenant?.status === 'active';
}

/** The tenant's issuer identifier (OIDC Discovery §4.3; the SAML entityID too): the public URL and the tenant path. */
export const issuerOf = (publicUrl: string, tenant: Pick<Tenant, 'slug'>) => `${publicUrl}/t/${tenant.slug}`;
