import { verifySecret } from '../secrets/secret-hashing.ts';
import type { PasswordPolicy } from '../tenants/settings.ts';
import { passwordProblems } from './password-policy.ts';
import type { User } from './user.ts';

/** NIST SP 800-63B leaves history to the tenant; five is the common default. */
export const defaultPasswordHistory = 5;

/**
 * Problems with a new password for this user: the policy, the user's own name and emails, and
 * (when the policy keeps a history) any of their last N passwords.
 */
export async function newPasswordProblems(password: string, policy: PasswordPolicy, user: Pick<User, 'userName' | 'emails'>, recentHashes: readonly string[]): Promise<string[]> {
  const problems = passwordProblems(password, policy, { personal: [user.userName, ...user.emails.map((e) => e.value)] });
  if (problems.length) return problems;
  for (const hash of recentHashes.slice(0, policy.historyCount ?? defaultPasswordHistory)) {
    if (await verifySecret(password, hash)) return ['Choose a password you have not used recently.'];
  }
  return [];
}
