import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/sso-session.ts';
import type { ActionTokens } from '../ports/action-tokens.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Tenant } from '../tenants/tenant.ts';

export const resetLinkLifetimeMs = 30 * 60_000;
export const invitationLifetimeMs = 7 * 86_400_000;

/**
 * Mails a single-use link to choose a password: a reset the user asked for, or an
 * administrator's invitation. The token exists only in the mail; the store keeps its hash.
 * The caller words the mail (in the user's language) around the link.
 */
export async function mailPasswordLink(deps: { actionTokens: ActionTokens; mailer: Mailer }, tenant: Tenant, issuer: string, user: { id: string; email: string }, purpose: 'password-reset' | 'invitation', wording: (link: string) => { subject: string; text: string }): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const lifetime = purpose === 'invitation' ? invitationLifetimeMs : resetLinkLifetimeMs;
  await deps.actionTokens.issue(hashToken(token), { tenant: tenant.id, userId: user.id, purpose, expiresAt: Date.now() + lifetime });
  await deps.mailer.send({ to: user.email, ...wording(`${issuer}/login/reset?token=${token}`) });
}
