import type { AuditEvent } from '../audit/event.ts';
import type { OAuthClient } from '../oauth/client.ts';
import type { Page, PageRequest } from './pages.ts';

export interface ClientRegistry {
  get(tenant: string, clientId: string): Promise<OAuthClient | undefined>;
  create(client: OAuthClient, events: readonly AuditEvent[]): Promise<void>;
  /** Replaces a registered client; false when it no longer exists. */
  replace(client: OAuthClient, events: readonly AuditEvent[]): Promise<boolean>;
  /** Deletes a client; false when it did not exist. */
  remove(tenant: string, clientId: string, events: readonly AuditEvent[]): Promise<boolean>;
  list(tenant: string, page: PageRequest): Promise<Page<OAuthClient>>;
}
