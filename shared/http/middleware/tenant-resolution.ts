import type { MiddlewareObj } from '@middy/core';
import type { TenantLookup } from '../../domain/ports/tenant-lookup.ts';
import { isServing, isValidTenantSlug } from '../../domain/tenants/tenant.ts';
import { notFound } from '../errors.ts';
import type { HttpEvent, HttpResponse } from '../request.ts';

/**
 * Routes under /t/{tenant} answer only for an active tenant; an unknown, pending or
 * suspended one gets the same 404, so tenant names cannot be probed by status.
 */
export function tenantResolution(tenants: () => TenantLookup): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: async ({ event }) => {
      const slug = event.pathParameters?.tenant;
      if (slug === undefined) return;
      if (!isValidTenantSlug(slug)) throw notFound('Unknown tenant', 'tenant_not_found');
      const tenant = await tenants().findTenant(slug);
      if (!isServing(tenant)) throw notFound('Unknown tenant', 'tenant_not_found');
      event.state!.tenant = tenant;
    },
  };
}
