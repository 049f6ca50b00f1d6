import type { AuditEvent } from '../audit/event.ts';
import type { OAuthClient } from '../oauth/client.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { User } from '../users/user.ts';

/** A signup waiting for its email to be confirmed: everything needed to create the tenant then. */
export interface PendingSignup {
  readonly tenant: string;
  readonly organizationName: string;
  readonly adminName: string;
  readonly adminEmail: string;
  readonly adminPasswordHash: string;
  /** Epoch ms after which the slug may be claimed again. */
  readonly expiresAt: number;
}

export interface TenantActivation {
  readonly tenant: string;
  readonly confirmationHash: string;
  readonly displayName: string;
  readonly settings: TenantSettings;
  readonly admin: User;
  readonly adminPasswordHash: string;
  readonly administratorsGroup: { readonly id: string; readonly name: string; readonly permissions: readonly string[] };
  readonly managementClient: OAuthClient;
  readonly events: readonly AuditEvent[];
}

export interface TenantRegistry {
  /** 'taken' when the slug belongs to an active tenant or a pending signup that has not expired. */
  registerPending(signup: PendingSignup, confirmationHash: string, events: readonly AuditEvent[], now: number): Promise<'registered' | 'taken'>;
  /** The signup a confirmation token belongs to, while the token is unused and unexpired. */
  pendingSignupFor(confirmationHash: string, now: number): Promise<PendingSignup | undefined>;
  /** Creates the tenant's first administrator, group, client and settings and consumes the token, all or nothing. */
  activate(activation: TenantActivation): Promise<'activated' | 'already-used'>;
}
