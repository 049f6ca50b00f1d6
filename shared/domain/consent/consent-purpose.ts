import { z } from 'zod';

/** The lawful bases of GDPR Art. 6(1), as a purpose states which one it relies on. */
export const legalBases = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;

/** A claim (user attribute) a purpose covers: an OIDC claim name or a directory attribute such as `attributes.department`. */
const claimName = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,63}(?:\.[a-zA-Z0-9_]{1,64})?$/, 'a claim such as email, given_name or attributes.department');

/**
 * Why a tenant collects or shares data (issue: consent management): what it is called and
 * says, the claims it covers, its legal basis, and whether a user may decline it. The version
 * goes up with every change, so consent given to an older version is asked again.
 */
export const consentPurposeInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().min(1).max(1000),
    claims: z.array(claimName).max(50).default([]),
    legalBasis: z.enum(legalBases).default('consent'),
    mandatory: z.boolean().default(false),
  })
  .strict();

export type ConsentPurposeInput = z.output<typeof consentPurposeInputSchema>;

export interface ConsentPurpose extends ConsentPurposeInput {
  readonly tenant: string;
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const newConsentPurpose = (tenant: string, id: string, input: ConsentPurposeInput, now: Date): ConsentPurpose => ({ ...input, claims: [...new Set(input.claims)], tenant, id, version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() });

export const replacedConsentPurpose = (purpose: ConsentPurpose, input: ConsentPurposeInput, now: Date): ConsentPurpose => ({ ...input, claims: [...new Set(input.claims)], tenant: purpose.tenant, id: purpose.id, version: purpose.version + 1, createdAt: purpose.createdAt, updatedAt: now.toISOString() });

/** What the audit trail records of a purpose. */
export const auditedConsentPurpose = (p: ConsentPurpose) => ({ name: p.name, claims: p.claims, legalBasis: p.legalBasis, mandatory: p.mandatory, version: p.version });
