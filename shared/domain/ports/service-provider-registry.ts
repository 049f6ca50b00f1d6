import type { AuditEvent } from '../audit/event.ts';
import type { ServiceProvider } from '../saml/service-provider.ts';
import type { Page, PageRequest } from './pages.ts';

/** Another service provider of the tenant already has this entityID. */
export class EntityIdInUse extends Error {
  override name = 'EntityIdInUse';
}

/** The SAML service providers of each tenant; an entityID is unique within a tenant. */
export interface ServiceProviderRegistry {
  get(tenant: string, id: string): Promise<ServiceProvider | undefined>;
  findByEntityId(tenant: string, entityId: string): Promise<ServiceProvider | undefined>;
  list(tenant: string, page: PageRequest): Promise<Page<ServiceProvider>>;
  /** Throws EntityIdInUse when the entityID is taken. */
  create(sp: ServiceProvider, events: readonly AuditEvent[]): Promise<void>;
  /** Replaces `previous` (still at its version) with `next`; false when it changed or is gone. Throws EntityIdInUse. */
  replace(previous: ServiceProvider, next: ServiceProvider, events: readonly AuditEvent[]): Promise<boolean>;
  /** Deletes the SP at its version; false when it changed or is gone. */
  remove(sp: ServiceProvider, events: readonly AuditEvent[]): Promise<boolean>;
}
