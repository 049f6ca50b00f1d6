import type { AuditEvent } from '../audit/event.ts';

/** What a user allowed a client: the scopes (and claims asked for by name, as `claim:<name>`), remembered until withdrawn. */
export interface StoredConsent {
  readonly tenant: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly grantedAt: string;
}

export interface ConsentStore {
  find(tenant: string, userId: string, clientId: string): Promise<StoredConsent | undefined>;
  save(consent: StoredConsent, events: readonly AuditEvent[]): Promise<void>;
}

/** Whether a remembered consent covers every scope asked for now. */
export const consentCovers = (consent: StoredConsent | undefined, scopes: readonly string[]) =>
  consent !== undefined && scopes.every((scope) => consent.scopes.includes(scope));
