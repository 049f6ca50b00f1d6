import type { TenantLookup } from '../ports/tenant-lookup.ts';
import type { Tenant } from './tenant.ts';

export interface TenantCacheOptions {
  readonly ttlMs?: number;
  /** How long an unknown or not-yet-active tenant is remembered: short, so a confirmed signup serves at once. */
  readonly negativeTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Remembers lookups (found or not) briefly, so a warm function reads each tenant once per period. */
export function cachedTenantLookup(lookup: TenantLookup, options: TenantCacheOptions = {}): TenantLookup {
  const ttl = options.ttlMs ?? 30_000;
  const negativeTtl = options.negativeTtlMs ?? 1000;
  const max = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { tenant: Tenant | undefined; at: number }>();
  return {
    async findTenant(slug) {
      const hit = cache.get(slug);
      if (hit && now() - hit.at < (hit.tenant?.status === 'active' ? ttl : negativeTtl)) return hit.tenant;
      const tenant = await lookup.findTenant(slug);
      cache.delete(slug);
      cache.set(slug, { tenant, at: now() });
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return tenant;
    },
  };
}
