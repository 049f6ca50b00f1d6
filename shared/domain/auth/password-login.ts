import type { AuditEventType } from '../audit/catalogue.ts';
import { randomBytes } from 'node:crypto';
import { createAuditEvent, type AuditEvent } from '../audit/event.ts';
import type { UserDirectory } from '../ports/user-directory.ts';
import { hashSecret, needsRehash, verifySecret } from '../secrets/secret-hashing.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { User } from '../users/user.ts';
import { hashToken } from './sso-session.ts';

export interface LoginContext {
  readonly tenant: string;
  readonly settings: TenantSettings;
  readonly clientIp: string;
  readonly userAgent: string;
  readonly correlationId: string;
  readonly now: number;
}

/**
 * On success, `priorFailures` is the count of failed attempts this success ends (the flow's
 * `failedAttemptsAtLeast`), and `passwordExpired` says the policy's maximum age has passed.
 */
export type LoginResult = { readonly ok: true; readonly user: User; readonly priorFailures: number; readonly passwordExpired: boolean } | { readonly ok: false };

/** Whether a password set at `setAt` is older than the policy allows (never, without a maximum age). */
export function passwordExpired(maxAgeDays: number | undefined, setAt: string, now: number): boolean {
  return maxAgeDays !== undefined && maxAgeDays > 0 && now - Date.parse(setAt) > maxAgeDays * 86_400_000;
}

// Unknown users are checked against this, so they take as long as known ones (no enumeration by timing).
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashSecret('password', randomBytes(24).toString('base64url')));
void dummy();

/**
 * Identifier + password (ARCHITECTURE §7, ISO 27001 A.9.4.2): the same answer and the same
 * work whether the user is unknown, locked, disabled or typed a wrong password; failures
 * counted and the account locked at the tenant's limit; every outcome audited.
 */
export async function passwordLogin(
  users: UserDirectory,
  identifier: string,
  password: string,
  context: LoginContext,
  /** Checked (e.g. a rate limit) while the user is looked up, and before any password is hashed. */
  gate: Promise<void> = Promise.resolve(),
): Promise<LoginResult & { events?: AuditEvent[] }> {
  const event = (type: AuditEventType, outcome: AuditEvent['outcome'], details: Record<string, unknown>, subject?: string) =>
    createAuditEvent({
      tenant: context.tenant,
      type,
      actor: subject ? { kind: 'user', id: subject } : { kind: 'anonymous' },
      ...(subject ? { subject } : {}),
      clientIp: context.clientIp,
      userAgent: context.userAgent,
      correlationId: context.correlationId,
      outcome,
      time: new Date(context.now),
      details,
    });
  // The attempted identifier is kept only as a hash: people type passwords into it.
  const attempted = { identifierHash: hashToken(identifier.normalize('NFKC').trim().toLowerCase()), method: 'password' };

  const [found] = await Promise.all([users.findByLogin(context.tenant, identifier), gate]);
  const matches = await verifySecret(password, found?.passwordHash ?? (await dummy()));
  if (!found?.passwordHash) {
    return { ok: false, events: [event('signin.failure', 'failure', { ...attempted, reason: 'unknown_user' })] };
  }
  const { user } = found;
  if (user.status !== 'active' || (found.lockedUntil ?? 0) > context.now) {
    const reason = user.status === 'disabled' ? 'disabled' : 'locked';
    return { ok: false, events: [event('signin.failure', 'denied', { ...attempted, reason }, user.id)] };
  }
  if (!matches) {
    const { lockout } = context.settings;
    const failure = event('signin.failure', 'failure', { ...attempted, reason: 'bad_password' }, user.id);
    const lock = event('user.locked', 'success', { reason: 'too_many_failures', maxFailures: lockout.maxFailures, lockedUntil: new Date(context.now + lockout.lockSeconds * 1000).toISOString() }, user.id);
    await users.recordFailedLogin(context.tenant, user.id, { maxFailures: lockout.maxFailures, lockUntil: context.now + lockout.lockSeconds * 1000, now: context.now }, failure, lock);
    return { ok: false };
  }
  const rehash = needsRehash('password', found.passwordHash) ? await hashSecret('password', password) : undefined;
  // Most logins follow no failure and need no rehash: they write nothing to the user.
  if (rehash || found.failedLogins > 0 || found.lockedUntil !== undefined) await users.recordSuccessfulLogin(context.tenant, user.id, rehash ? { rehash } : {});
  const expired = passwordExpired(context.settings.passwordPolicy.maxAgeDays, found.passwordSetAt ?? user.createdAt, context.now);
  return { ok: true, user, priorFailures: found.failedLogins, passwordExpired: expired, events: [event('signin.success', 'success', { method: 'password', ...(rehash ? { passwordRehashed: true } : {}) }, user.id)] };
}
