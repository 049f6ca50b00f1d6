import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedTenantLookup } from '../../../shared/domain/tenants/cached-lookup.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';

test('an active tenant is remembered for the TTL; an unknown or pending one only briefly', async () => {
  let now = 0;
  const reads: string[] = [];
  const state: Record<string, Tenant> = { acme: { id: 'acme', slug: 'acme', displayName: 'Acme', status: 'active' }, fresh: { id: 'fresh', slug: 'fresh', displayName: 'Fresh', status: 'pending' } };
  const lookup = cachedTenantLookup({ findTenant: async (slug) => (reads.push(slug), state[slug]) }, { ttlMs: 30_000, negativeTtlMs: 1000, now: () => now });
  for (const slug of ['acme', 'fresh', 'ghost']) await lookup.findTenant(slug);
  now = 999;
  for (const slug of ['acme', 'fresh', 'ghost']) await lookup.findTenant(slug);
  assert.deepEqual(reads, ['acme', 'fresh', 'ghost']);
  state.fresh = { ...state.fresh!, status: 'active' };
  now = 1000;
  assert.equal((await lookup.findTenant('fresh'))?.status, 'active', 'a confirmed tenant serves within a second');
  assert.equal(reads.filter((r) => r === 'acme').length, 1);
  now = 30_000;
  await lookup.findTenant('acme');
  assert.equal(reads.filter((r) => r === 'acme').length, 2);
});

test('the cache holds a bounded number of tenants', async () => {
  const reads: string[] = [];
  const lookup = cachedTenantLookup({ findTenant: async (slug) => (reads.push(slug), undefined) }, { maxEntries: 2, negativeTtlMs: 60_000 });
  for (const slug of ['a', 'b', 'c', 'a']) await lookup.findTenant(slug);
  assert.deepEqual(reads, ['a', 'b', 'c', 'a']);
});
