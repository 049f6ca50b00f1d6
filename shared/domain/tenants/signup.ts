import { z } from 'zod';
import { isValidTenantSlug } from './tenant.ts';

const text = (max: number) => z.string().trim().min(1, 'Required.').max(max, `At most ${max} characters.`).refine((v) => !/[\p{Cc}\p{Cf}]/u.test(v), 'Control characters are not allowed.');

/** The signup form and POST /api/signup, validated once at the edge. */
export const signupRequestSchema = z.object({
  organizationName: text(100),
  tenant: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isValidTenantSlug, '3–40 lowercase letters, digits and hyphens, not a reserved word.'),
  adminName: text(100),
  adminEmail: z.string().trim().max(254).pipe(z.email('Enter a valid email address.')),
  adminPassword: z.string().min(1, 'Required.').max(1024, 'At most 1024 characters.'),
});

export type SignupRequest = z.infer<typeof signupRequestSchema>;

/** Field → first problem, for re-rendering a form or a problem-details body. */
export function fieldProblems(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}
