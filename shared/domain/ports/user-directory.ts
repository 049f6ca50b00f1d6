import type { AuditEvent } from '../audit/event.ts';
import type { User } from '../users/user.ts';

/** A user as the login sees it: with the credential and lockout state no API ever returns. */
export interface UserWithCredentials {
  readonly user: User;
  readonly passwordHash?: string;
  readonly failedLogins: number;
  /** Epoch ms until which the account is locked by the lockout policy. */
  readonly lockedUntil?: number;
}

export interface UserDirectory {
  getUser(tenant: string, userId: string): Promise<User | undefined>;
  findByLogin(tenant: string, identifier: string): Promise<UserWithCredentials | undefined>;
  /** Counts a failure; locks the account (atomically with the count) when it reaches the limit. */
  recordFailedLogin(
    tenant: string,
    userId: string,
    lockout: { maxFailures: number; lockUntil: number; now: number },
    event: AuditEvent,
    lockEvent: AuditEvent,
  ): Promise<{ locked: boolean }>;
  /** Clears failures and, when parameters were raised, stores the upgraded password hash. */
  recordSuccessfulLogin(tenant: string, userId: string, changes: { rehash?: string }): Promise<void>;
}
