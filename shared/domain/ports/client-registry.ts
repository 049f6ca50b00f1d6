import type { AuditEvent } from '../audit/event.ts';
import type { OAuthClient } from '../oauth/client.ts';

export interface ClientRegistry {
  get(tenant: string, clientId: string): Promise<OAuthClient | undefined>;
  create(client: OAuthClient, events: readonly AuditEvent[]): Promise<void>;
}
