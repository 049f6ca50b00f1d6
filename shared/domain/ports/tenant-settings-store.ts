import type { AuditEvent } from '../audit/event.ts';
import type { TenantSettings } from '../tenants/settings.ts';

export interface VersionedSettings {
  readonly settings: TenantSettings;
  /** Incremented by every change: the optimistic-locking version (0 before the first change). */
  readonly version: number;
}

/** A tenant's settings read fresh (not through the request path's tenant cache) and changed with a version check. */
export interface TenantSettingsStore {
  readSettings(tenant: string): Promise<VersionedSettings | undefined>;
  writeSettings(tenant: string, settings: TenantSettings, expectedVersion: number, events: readonly AuditEvent[]): Promise<'done' | 'conflict'>;
}
