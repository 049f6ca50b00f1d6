import { z } from 'zod';
import { nameIdFormats } from '../saml/saml-names.ts';
import { certificateSchema, httpsUrl } from '../saml/service-provider.ts';
import { socialTemplates, type SocialTemplate } from './social-templates.ts';
import { claimMappingsSchema, groupRulesSchema, type ClaimMapping, type Expression, type GroupRule } from './claim-mapping.ts';

/**
 * An upstream identity provider a tenant federates to (issue: identity broker): an OpenID
 * Provider, with the platform as its relying party (authorization code, PKCE, nonce, state, the
 * ID token checked by openid-client), or a SAML 2.0 identity provider, with the platform as its
 * service provider (signed AuthnRequests, signed and possibly encrypted assertions).
 */
export const provisioningModes = ['create', 'link_verified_email', 'link_after_local_sign_in', 'existing_only'] as const;
export const oidcClientAuthentications = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'apple_client_secret', 'none'] as const;

/**
 * Local user fields a provider's claims may fill at the first sign-in (`attributes.{name}` for
 * custom ones). `email_verified` is the provider's word; SAML has no such notion, so it is false
 * unless a mapping says otherwise (e.g. `{ "const": true }` for an IdP the tenant trusts).
 */
export const inboundTargets = ['email', 'email_verified', 'given_name', 'family_name', 'name', 'preferred_username', 'phone_number', 'locale'] as const;

const inboundMappings = claimMappingsSchema.superRefine((mappings, ctx) => {
  mappings.forEach((m, i) => {
    if (!(inboundTargets as readonly string[]).includes(m.target) && !/^attributes\.[A-Za-z0-9_-]{1,64}$/.test(m.target)) {
      ctx.addIssue({ code: 'custom', path: [i, 'target'], message: `must be one of ${inboundTargets.join(', ')} or attributes.{name}` });
    }
  });
});

const common = {
  name: z.string().trim().min(1).max(100).describe('What the login page shows: "Continue with {name}"'),
  /**
   * A first sign-in by someone the tenant does not know yet: `create` a user (refused when a
   * local account already has that email: it must sign in and link, not be taken over);
   * `link_verified_email` links to the local account with the same email when the upstream says
   * it is verified (else creates); `link_after_local_sign_in` asks the person to sign in to the
   * local account with that email once (its password proves it is theirs) and links then (else
   * creates); `existing_only` signs in only identities already linked.
   */
  provisioning: z.enum(provisioningModes).default('create'),
  /** How the provider's claims (or SAML attributes, and `nameId`) become the local user's fields; absent: the usual names of its kind. */
  claimMappings: inboundMappings.optional(),
  /** Groups a user signing in through this provider joins, by conditions on its claims. */
  groupRules: groupRulesSchema.optional(),
  enabled: z.boolean().default(true),
};

const oidcInputSchema = z
  .strictObject({
    ...common,
    kind: z.literal('oidc'),
    /** A ready-made provider (issuer, scopes, claim mappings); anything else given overrides it. */
    template: z.enum(socialTemplates).optional(),
    /** For the Microsoft template: the Entra tenant id or domain. */
    directory: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/).optional(),
    issuer: z.url({ protocol: /^https?$/ }).max(2048).optional().describe('The upstream issuer; its discovery document is read from {issuer}/.well-known/openid-configuration. Required unless a template gives it'),
    clientId: z.string().min(1).max(256),
    /** Never shown again; sealed by the vault. Absent on a replace: the stored one is kept. */
    clientSecret: z.string().min(8).max(1024).optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/)).max(20).optional().describe('Default: the template\'s, else openid email profile'),
    /** How the authorization response comes back: `form_post` for providers that require it (Apple, when email or name is asked for). */
    responseMode: z.enum(['query', 'form_post']).optional(),
    /** For `apple_client_secret`: the Sign in with Apple key (its PEM is sealed, never shown again); the client secret is a short-lived JWT it signs. */
    appleKey: z.strictObject({ teamId: z.string().regex(/^[A-Z0-9]{10}$/), keyId: z.string().regex(/^[A-Z0-9]{10}$/), privateKey: z.string().min(100).max(4096).optional() }).optional(),
    /**
     * How the platform authenticates at the upstream's token endpoint. Absent: client_secret_basic
     * with a secret, none without. `private_key_jwt`: the platform makes a key pair for this
     * provider (ES256) and shows its public JWKS, to register at the upstream; no secret is shared.
     */
    clientAuthentication: z.enum(oidcClientAuthentications).optional(),
  })
  .refine((input) => input.issuer !== undefined || input.template !== undefined, { path: ['issuer'], message: 'is required (or a template)' })
  .refine((input) => input.scopes === undefined || input.scopes.includes('openid'), { path: ['scopes'], message: 'must include openid' })
  .refine((input) => !(input.clientSecret && (input.clientAuthentication === 'private_key_jwt' || input.clientAuthentication === 'none')), { path: ['clientSecret'], message: 'is not used with this clientAuthentication' });

const samlInputSchema = z.strictObject({
  ...common,
  kind: z.literal('saml'),
  /** The IdP's metadata (an EntityDescriptor with an IDPSSODescriptor): entityID, SSO endpoint and signing certificates are read from it. */
  metadata: z.string().min(100).max(512 * 1024),
  /** AuthnRequests are signed with the tenant's SAML key (default; also when the metadata asks for it). */
  signAuthnRequests: z.boolean().default(true),
  nameIdFormat: z.enum([nameIdFormats.persistent, nameIdFormats.emailAddress, nameIdFormats.unspecified]).default(nameIdFormats.persistent),
});

export const identityProviderInputSchema = z.discriminatedUnion('kind', [oidcInputSchema, samlInputSchema]);
export type IdentityProviderInput = z.output<typeof identityProviderInputSchema>;

/** What is stored of a SAML IdP, read from its metadata and checked again. */
export const samlIdpSettingsSchema = z.object({
  entityId: z.string().min(1).max(1024),
  ssoUrl: httpsUrl,
  ssoBinding: z.enum(['redirect', 'post']),
  sloUrl: httpsUrl.optional(),
  signingCertificates: z.array(certificateSchema).min(1).max(4),
});

interface Common {
  readonly tenant: string;
  readonly id: string;
  readonly name: string;
  readonly provisioning: (typeof provisioningModes)[number];
  readonly claimMappings?: readonly ClaimMapping[];
  readonly groupRules?: readonly GroupRule[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface OidcIdentityProvider extends Common {
  readonly kind: 'oidc';
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The client secret, sealed by the vault ('idp-client-secret', tenant, id). */
  readonly sealedClientSecret?: string;
  readonly clientAuthentication: (typeof oidcClientAuthentications)[number];
  readonly responseMode?: 'query' | 'form_post';
  readonly template?: SocialTemplate;
  /** For apple_client_secret: the team and key ids (the key itself sealed in sealedClientKey). */
  readonly appleKey?: { readonly teamId: string; readonly keyId: string };
  /** For private_key_jwt: the private JWK sealed ('idp-client-key', tenant, id), and its public half to register upstream. */
  readonly sealedClientKey?: string;
  readonly clientJwks?: { readonly keys: readonly Record<string, unknown>[] };
}

export interface SamlIdentityProvider extends Common, z.output<typeof samlIdpSettingsSchema> {
  readonly kind: 'saml';
  readonly signAuthnRequests: boolean;
  readonly nameIdFormat: string;
}

export type IdentityProvider = OidcIdentityProvider | SamlIdentityProvider;

/** What the admin API shows and the audit trail records: never the secret. */
export const identityProviderView = (idp: IdentityProvider) => {
  if (idp.kind === 'saml') {
    const { tenant: _t, ...rest } = idp;
    return rest;
  }
  const { tenant: _t, sealedClientSecret, sealedClientKey: _k, ...rest } = idp;
  return { ...rest, hasClientSecret: sealedClientSecret !== undefined };
};

/** The option a flow document names for a sign-in through this provider. */
export const federatedOption = (idpId: string): `federated:${string}` => `federated:${idpId}`;
export const idpIdOfOption = (option: string) => (option.startsWith('federated:') ? option.slice('federated:'.length) : undefined);

const first = (...claims: string[]): Expression => (claims.length === 1 ? { claim: claims[0]! } : { if: { present: { claim: claims[0]! } }, then: { claim: claims[0]! }, else: first(...claims.slice(1)) });

/** The usual claim names of each kind, used when a provider has no mappings of its own. */
export const defaultInboundMappings: Record<IdentityProvider['kind'], readonly ClaimMapping[]> = {
  oidc: ['email', 'email_verified', 'given_name', 'family_name', 'name', 'preferred_username', 'phone_number', 'locale'].map((target) => ({ target, value: { claim: target } })),
  // SAML attribute names as common IdPs send them: LDAP names, their OIDs (urn:oid, as eduPerson and SAML2int say), and the WS-Federation claim URIs of ADFS and Entra ID.
  saml: [
    { target: 'email', value: first('email', 'mail', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
    { target: 'given_name', value: first('givenName', 'urn:oid:2.5.4.42', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname') },
    { target: 'family_name', value: first('sn', 'surname', 'urn:oid:2.5.4.4', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname') },
    { target: 'name', value: first('displayName', 'urn:oid:2.16.840.1.113730.3.1.241', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name') },
  ],
};
