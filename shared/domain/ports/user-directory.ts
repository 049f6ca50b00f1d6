import type { AuditEvent } from '../audit/event.ts';
import type { User } from '../users/user.ts';
import type { Page, PageRequest } from './pages.ts';

/** A user as the login sees it: with the credential and lockout state no API ever returns. */
export interface UserWithCredentials {
  readonly user: User;
  readonly passwordHash?: string;
  readonly failedLogins: number;
  /** Epoch ms until which the account is locked by the lockout policy. */
  readonly lockedUntil?: number;
  /** When the current password was set (absent for users from before this was kept: their creation counts). */
  readonly passwordSetAt?: string;
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

  /** Creates the user with its login markers (userName and every email, normalized); `taken` when one is in use. */
  createUser(user: User, credentials: { passwordHash?: string }, events: readonly AuditEvent[]): Promise<'done' | 'taken'>;
  /**
   * Replaces the user when its stored version is `expectedVersion` (the new one carries version + 1),
   * moving login markers when userName or emails change. `passwordHash` replaces the password;
   * `clearLockout` forgets failed attempts and a lockout in force (an administrator's unlock).
   */
  updateUser(user: User, expectedVersion: number, changes: { passwordHash?: string; clearLockout?: boolean }, events: readonly AuditEvent[]): Promise<UserWrite>;
  /** Deletes the user, its login markers and group memberships; `expectedVersion` undefined skips the check. */
  deleteUser(tenant: string, userId: string, expectedVersion: number | undefined, events: readonly AuditEvent[]): Promise<UserWrite>;
  /** The current password hash and the earlier ones, newest first (for the password history check). */
  recentPasswords(tenant: string, userId: string): Promise<string[]>;
  /** Users the provisioning client knows by this externalId (an index, not a read of every user; may lag a write briefly). */
  findByExternalId(tenant: string, externalId: string): Promise<User[]>;
  /** The tenant's users in a stable order, a page at a time. */
  listUsers(tenant: string, page: PageRequest): Promise<Page<User>>;
  /** Users with their password hashes, a page at a time: only for an administrator's encrypted export. */
  exportUsers(tenant: string, page: PageRequest): Promise<Page<UserWithCredentials>>;
  /** Epoch ms until which a lockout holds the user, if one does now. */
  lockedUntil(tenant: string, userId: string): Promise<number | undefined>;
}

/** Outcomes of a conditional change: `conflict` = the stored version is not the expected one; `taken` = userName or an email is in use. */
export type UserWrite = 'done' | 'missing' | 'conflict' | 'taken';
