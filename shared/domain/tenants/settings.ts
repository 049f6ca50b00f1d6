import { z } from 'zod';
import { contrastWithWhite, minimumContrast } from './colour-contrast.ts';

export const passwordPolicySchema = z.object({
  minLength: z.number().int().min(8).max(128),
  maxLength: z.number().int().min(64).max(1024),
  requireLowercase: z.boolean(),
  requireUppercase: z.boolean(),
  requireDigit: z.boolean(),
  requireSymbol: z.boolean(),
  rejectBreached: z.boolean(),
  /** A new password may not be any of the user's last N (0: no history). */
  historyCount: z.number().int().min(0).max(24).optional(),
  /** Days after which a password must be changed at the next sign-in (0 or absent: never, as NIST SP 800-63B advises). */
  maxAgeDays: z.number().int().min(0).max(3650).optional(),
});

export const securityQuestionsSchema = z
  .object({
    enabled: z.boolean(),
    /** The questions users choose from (absent: a built-in list of six). */
    questions: z.array(z.string().min(10).max(200)).min(3).max(20).optional(),
    answersRequired: z.number().int().min(1).max(5),
  })
  .refine((s) => new Set(s.questions ?? []).size === (s.questions ?? []).length, { message: 'the questions must be different', path: ['questions'] })
  .refine((s) => s.answersRequired <= (s.questions?.length ?? 6), { message: 'answersRequired cannot exceed the number of questions', path: ['answersRequired'] })
  .meta({ description: 'Security questions as an extra check on emailed password-reset links. Weaker than any second factor (answers are often public or guessable), so off by default and never a way to sign in.' });

export const tenantSettingsSchema = z.object({
  branding: z.object({
    displayName: z.string().min(1).max(100),
    logoUrl: z.url({ protocol: /^https$/ }).max(2048).optional(),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .check((ctx) => {
        const ratio = /^#[0-9a-fA-F]{6}$/.test(ctx.value) ? contrastWithWhite(ctx.value) : minimumContrast;
        if (ratio < minimumContrast) ctx.issues.push({ code: 'custom', input: ctx.value, message: `white text on this colour has a contrast of ${ratio.toFixed(1)}:1, below the ${minimumContrast}:1 the sign-in buttons need; choose a darker colour` });
      }),
  }),
  passwordPolicy: passwordPolicySchema,
  lockout: z.object({ maxFailures: z.number().int().min(1).max(100), lockSeconds: z.number().int().min(1).max(86_400 * 30) }),
  sessions: z.object({ idleSeconds: z.number().int().min(60).max(86_400 * 30), absoluteSeconds: z.number().int().min(300).max(86_400 * 90) }),
  selfRegistration: z.boolean(),
  /**
   * Web origins whose browser code may call the token, UserInfo and revocation endpoints
   * (single-page applications), as Auth0's allowed web origins: https, or http on localhost.
   */
  securityQuestions: securityQuestionsSchema.optional(),
  /** Who controls the personal data, as consent receipts name them (absent: the tenant's display name). */
  privacy: z
    .object({
      controller: z.string().min(1).max(200).optional(),
      email: z.email().max(254).optional(),
      address: z.string().max(500).optional(),
      phone: z.string().max(40).optional(),
      jurisdiction: z.string().min(2).max(40).optional(),
      policyUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    })
    .strict()
    .optional(),
  allowedOrigins: z.array(z.string().regex(/^(?:https:\/\/[a-z0-9.-]+(?::\d{1,5})?|http:\/\/(?:localhost|127\.0\.0\.1)(?::\d{1,5})?)$/, 'an origin such as https://app.example.com (no path)')).max(50).optional(),
});

export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

/**
 * What a new tenant starts with: NIST SP 800-63B passwords (length, a breached-password
 * check, no composition rules), five failures lock an account for fifteen minutes, and
 * an SSO session lasts two idle hours and at most a day.
 */
export function defaultTenantSettings(displayName: string): TenantSettings {
  return {
    branding: { displayName, primaryColor: '#3b5bdb' },
    passwordPolicy: {
      minLength: 12,
      maxLength: 128,
      requireLowercase: false,
      requireUppercase: false,
      requireDigit: false,
      requireSymbol: false,
      rejectBreached: true,
    },
    lockout: { maxFailures: 5, lockSeconds: 15 * 60 },
    sessions: { idleSeconds: 2 * 3600, absoluteSeconds: 24 * 3600 },
    selfRegistration: false,
  };
}
