import { z } from 'zod';

/**
 * An upstream identity provider a tenant federates to (issue: identity broker). This first kind
 * is OpenID Connect: the platform is a relying party of it, with the authorization code flow,
 * PKCE, a nonce and a state, and the upstream's ID token checked by openid-client.
 */
export const provisioningModes = ['create', 'link_verified_email', 'existing_only'] as const;

export const identityProviderInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('What the login page shows: "Continue with {name}"'),
    kind: z.literal('oidc'),
    issuer: z.url({ protocol: /^https?$/ }).max(2048).describe('The upstream issuer; its discovery document is read from {issuer}/.well-known/openid-configuration'),
    clientId: z.string().min(1).max(256),
    /** Never shown again; sealed by the vault. Absent on a replace: the stored one is kept. */
    clientSecret: z.string().min(8).max(1024).optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/)).max(20).default(['openid', 'email', 'profile']),
    /**
     * A first sign-in by someone the tenant does not know yet: `create` a user (refused when a
     * local account already has that email: it must sign in and link, not be taken over);
     * `link_verified_email` links to the local account with the same email when the upstream says
     * it is verified (else creates); `existing_only` signs in only identities already linked.
     */
    provisioning: z.enum(provisioningModes).default('create'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((input) => input.scopes.includes('openid'), { path: ['scopes'], message: 'must include openid' });

export type IdentityProviderInput = z.output<typeof identityProviderInputSchema>;

export interface IdentityProvider extends Omit<IdentityProviderInput, 'clientSecret'> {
  readonly tenant: string;
  readonly id: string;
  /** The client secret, sealed by the vault ('idp-client-secret', tenant, id). */
  readonly sealedClientSecret?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** What the admin API shows and the audit trail records: never the secret. */
export const identityProviderView = (idp: IdentityProvider) => {
  const { tenant: _t, sealedClientSecret, ...rest } = idp;
  return { ...rest, hasClientSecret: sealedClientSecret !== undefined };
};

/** The option a flow document names for a sign-in through this provider. */
export const federatedOption = (idpId: string): `federated:${string}` => `federated:${idpId}`;
export const idpIdOfOption = (option: string) => (option.startsWith('federated:') ? option.slice('federated:'.length) : undefined);
