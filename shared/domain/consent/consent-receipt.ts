import type { ConsentPurpose } from './consent-purpose.ts';

/**
 * Consent receipts in the Kantara Initiative Consent Receipt Specification v1.1 format: what the
 * user agreed to, with whom, for which purposes and categories of personal data. Issued as a
 * JWT signed with the tenant's key, so anyone can check it against the tenant's JWKS.
 */
export const receiptVersion = 'KI-CR-v1.1.0';

export interface PrivacyController {
  readonly name: string;
  readonly email?: string;
  readonly address?: string;
  readonly phone?: string;
  readonly url?: string;
}

export interface ReceiptInput {
  readonly receiptId: string;
  readonly issuer: string;
  readonly jurisdiction: string;
  readonly policyUrl: string;
  readonly controller: PrivacyController;
  readonly language: string;
  /** The user's id at this tenant (the PII principal). */
  readonly principal: string;
  readonly application: { readonly id: string; readonly name: string; readonly firstParty: boolean };
  /** The purposes the user accepted (declined ones are not consented to, so not on the receipt). */
  readonly accepted: readonly ConsentPurpose[];
  /** Claims released through scopes that no purpose covers: listed as the sign-in purpose's data. */
  readonly signInClaims: readonly string[];
  readonly method: 'prompt' | 'first_party';
  readonly at: Date;
}

const signInPurpose = (claims: readonly string[], application: ReceiptInput['application']) => ({
  purpose: `Sign in to ${application.name}`,
  purposeCategory: ['contract'],
  consentType: 'EXPLICIT',
  piiCategory: [...claims],
  primaryPurpose: true,
  termination: 'Until you withdraw it in your account, or the account is deleted',
  thirdPartyDisclosure: !application.firstParty,
  ...(application.firstParty ? {} : { thirdPartyName: application.name }),
});

/** The receipt's claims (v1.1 field names), ready to be signed as a JWT. */
export function consentReceipt(input: ReceiptInput): Record<string, unknown> {
  const iat = Math.floor(input.at.getTime() / 1000);
  return {
    iss: input.issuer,
    sub: input.principal,
    iat,
    jti: input.receiptId,
    version: receiptVersion,
    jurisdiction: input.jurisdiction,
    consentTimestamp: iat,
    collectionMethod: input.method === 'prompt' ? `Consent page shown at sign-in to ${input.application.name}` : `Recorded at sign-in to ${input.application.name}, a first-party application (no prompt)`,
    consentReceiptID: input.receiptId,
    language: input.language,
    piiPrincipalId: input.principal,
    piiControllers: [{ piiController: input.controller.name, contact: input.controller.name, ...(input.controller.email ? { email: input.controller.email } : {}), ...(input.controller.address ? { address: input.controller.address } : {}), ...(input.controller.phone ? { phone: input.controller.phone } : {}), ...(input.controller.url ? { piiControllerUrl: input.controller.url } : {}) }],
    policyUrl: input.policyUrl,
    services: [
      {
        service: input.application.name,
        purposes: [
          signInPurpose(input.signInClaims, input.application),
          ...input.accepted.map((p) => ({
            purpose: p.name,
            purposeCategory: [p.legalBasis],
            consentType: p.legalBasis === 'consent' ? 'EXPLICIT' : 'IMPLICIT',
            piiCategory: [...p.claims],
            primaryPurpose: false,
            termination: 'Until you withdraw it in your account, or the account is deleted',
            thirdPartyDisclosure: !input.application.firstParty,
            ...(input.application.firstParty ? {} : { thirdPartyName: input.application.name }),
          })),
        ],
      },
    ],
    sensitive: false,
    spiCat: [],
  };
}
