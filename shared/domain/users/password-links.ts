import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/sso-session.ts';
import type { ActionTokens } from '../ports/action-tokens.ts';
import type { Mailer } from '../ports/mailer.ts';
import { settingsOf, type Tenant } from '../tenants/tenant.ts';

export const resetLinkLifetimeMs = 30 * 60_000;
export const invitationLifetimeMs = 7 * 86_400_000;

/**
 * Mails a single-use link to choose a password: a reset the user asked for, or an
 * administrator's invitation. The token exists only in the mail; the store keeps its hash.
 */
export async function mailPasswordLink(deps: { actionTokens: ActionTokens; mailer: Mailer }, tenant: Tenant, issuer: string, user: { id: string; email: string }, purpose: 'password-reset' | 'invitation'): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const lifetime = purpose === 'invitation' ? invitationLifetimeMs : resetLinkLifetimeMs;
  await deps.actionTokens.issue(hashToken(token), { tenant: tenant.id, userId: user.id, purpose, expiresAt: Date.now() + lifetime });
  const link = `${issuer}/login/reset?token=${token}`;
  const name = settingsOf(tenant).branding.displayName;
  const mail =
    purpose === 'invitation'
      ? { subject: `You are invited to ${name}`, text: `An administrator of ${name} created an account for you.\n\nChoose your password here (the link works once, for 7 days):\n${link}\n` }
      : { subject: `Reset your ${name} password`, text: `Someone asked to reset the password of your ${name} account.\n\nChoose a new password here (the link works once, for 30 minutes):\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.` };
  await deps.mailer.send({ to: user.email, ...mail });
}
