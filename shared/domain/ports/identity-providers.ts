import type { AuditEvent } from '../audit/event.ts';
import type { IdentityProvider } from '../federation/identity-provider.ts';
import type { Page, PageRequest } from './pages.ts';

/** A tenant's upstream identity providers (Directory table), each change written with its audit events. */
export interface IdentityProviderRegistry {
  get(tenant: string, id: string): Promise<IdentityProvider | undefined>;
  list(tenant: string, page: PageRequest): Promise<Page<IdentityProvider>>;
  create(idp: IdentityProvider, events: readonly AuditEvent[]): Promise<void>;
  replace(previous: IdentityProvider, next: IdentityProvider, events: readonly AuditEvent[]): Promise<boolean>;
  remove(idp: IdentityProvider, events: readonly AuditEvent[]): Promise<boolean>;
}

/** A person's identity at an upstream provider, linked to a local user. */
export interface LinkedIdentity {
  readonly tenant: string;
  readonly idpId: string;
  /** The upstream's `sub`. */
  readonly subject: string;
  readonly userId: string;
  readonly linkedAt: string;
  readonly email?: string;
}

export interface LinkedIdentities {
  find(tenant: string, idpId: string, subject: string): Promise<LinkedIdentity | undefined>;
  /** Links the identity, once: `exists` when that upstream identity is linked already. */
  link(identity: LinkedIdentity, events: readonly AuditEvent[]): Promise<'done' | 'exists'>;
  /** The user's linked identities (all providers). */
  listForUser(tenant: string, userId: string): Promise<LinkedIdentity[]>;
}
