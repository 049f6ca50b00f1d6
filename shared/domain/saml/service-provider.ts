import { z } from 'zod';
import { attributeNameFormats, bindings, nameIdFormats } from './saml-names.ts';

/** Where a user attribute comes from when it is released to a service provider. */
export const attributeSources = ['id', 'userName', 'email', 'emailVerified', 'givenName', 'familyName', 'displayName', 'phoneNumber', 'locale', 'groups'] as const;
export type AttributeSource = (typeof attributeSources)[number] | `attributes.${string}`;

const sourceSchema = z.union([z.enum(attributeSources), z.string().regex(/^attributes\.[A-Za-z0-9_.-]{1,64}$/)]) as z.ZodType<AttributeSource>;

export const httpsUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      // http only for loopback, so local service providers work (as with OAuth redirect URIs).
      return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https URL (http only on loopback)');

export const certificateSchema = z
  .string()
  .max(8192)
  .transform((value) => value.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''))
  .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length >= 200, 'must be a base64 X.509 certificate (PEM or bare)');

const acsSchema = z.object({
  url: httpsUrl,
  binding: z.literal(bindings.post).default(bindings.post).describe('Responses go by HTTP-POST only'),
  index: z.number().int().min(0).max(65535),
  isDefault: z.boolean().default(false),
});

const attributeSchema = z.object({
  name: z.string().min(1).max(256),
  source: sourceSchema,
  nameFormat: z.enum([attributeNameFormats.basic, attributeNameFormats.uri, attributeNameFormats.unspecified]).default(attributeNameFormats.basic),
  friendlyName: z.string().max(128).optional(),
});

/** A service provider as an administrator describes it (admin API, or read from its metadata). */
export const serviceProviderInputSchema = z
  .object({
    entityId: z.string().min(1).max(1024),
    name: z.string().min(1).max(128).optional(),
    assertionConsumerServices: z.array(acsSchema).min(1).max(16),
    singleLogoutService: z.object({ url: httpsUrl, binding: z.enum([bindings.redirect, bindings.post]).default(bindings.redirect) }).optional(),
    /** The SP's SOAP SingleLogoutService: sessions an administrator ends (no browser there) reach it server to server. */
    backChannelLogoutUrl: httpsUrl.optional(),
    signingCertificates: z.array(certificateSchema).max(4).default([]),
    encryptionCertificate: certificateSchema.optional(),
    /** AuthnRequests without a valid signature are refused. */
    requireSignedAuthnRequests: z.boolean().default(false),
    /** LogoutRequests and LogoutResponses must be signed unless the SP is explicitly exempted. */
    requireSignedLogoutMessages: z.boolean().default(true),
    signAssertion: z.boolean().default(true),
    signResponse: z.boolean().default(true),
    encryptAssertion: z.boolean().default(false),
    nameIdFormat: z.enum([nameIdFormats.persistent, nameIdFormats.emailAddress, nameIdFormats.transient, nameIdFormats.unspecified]).default(nameIdFormats.persistent),
    /** For the unspecified format: the attribute whose value is the NameID. */
    nameIdSource: sourceSchema.default('userName'),
    attributes: z.array(attributeSchema).max(64).default([]),
    assertionLifetimeSeconds: z.number().int().min(60).max(3600).default(300),
    /** First-party service providers may be entered from the IdP (IdP-initiated SSO); others too unless turned off. */
    allowIdpInitiated: z.boolean().default(true),
  })
  .superRefine((sp, ctx) => {
    if (sp.encryptAssertion && !sp.encryptionCertificate) ctx.addIssue({ code: 'custom', path: ['encryptionCertificate'], message: 'an encrypted assertion needs the SP’s encryption certificate' });
    if (!sp.signAssertion && !sp.signResponse) ctx.addIssue({ code: 'custom', path: ['signResponse'], message: 'the response or the assertion must be signed' });
    if ((sp.requireSignedAuthnRequests || (sp.singleLogoutService && sp.requireSignedLogoutMessages)) && sp.signingCertificates.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['signingCertificates'], message: 'signed requests need the SP’s signing certificate' });
    }
    const indexes = sp.assertionConsumerServices.map((a) => a.index);
    if (new Set(indexes).size !== indexes.length) ctx.addIssue({ code: 'custom', path: ['assertionConsumerServices'], message: 'indexes must be unique' });
  });

export type ServiceProviderInput = z.output<typeof serviceProviderInputSchema>;

/** A SAML service provider registered with one tenant. */
export interface ServiceProvider extends ServiceProviderInput {
  readonly tenant: string;
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export type AssertionConsumerService = ServiceProviderInput['assertionConsumerServices'][number];

/** The default ACS: the one marked default, else the lowest index. */
export function defaultAcs(sp: Pick<ServiceProvider, 'assertionConsumerServices'>): AssertionConsumerService {
  const sorted = [...sp.assertionConsumerServices].sort((a, b) => a.index - b.index);
  return sorted.find((a) => a.isDefault) ?? sorted[0]!;
}

/**
 * The ACS an AuthnRequest may use: by index, or by a URL equal to a registered one, or the
 * default. A URL or index the SP did not register is never used (SAML Profiles §4.1.4.1).
 */
export function acsFor(sp: Pick<ServiceProvider, 'assertionConsumerServices'>, asked: { url?: string; index?: number; binding?: string }): AssertionConsumerService | undefined {
  if (asked.binding !== undefined && asked.binding !== bindings.post) return undefined;
  if (asked.index !== undefined) return asked.url === undefined ? sp.assertionConsumerServices.find((a) => a.index === asked.index) : undefined;
  if (asked.url !== undefined) return sp.assertionConsumerServices.find((a) => a.url === asked.url);
  return defaultAcs(sp);
}

export const newServiceProvider = (tenant: string, id: string, input: ServiceProviderInput, now: Date): ServiceProvider => ({
  ...input,
  tenant,
  id,
  name: input.name ?? input.entityId,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  version: 1,
});

export const replacedServiceProvider = (sp: ServiceProvider, input: ServiceProviderInput, now: Date): ServiceProvider => ({
  ...input,
  tenant: sp.tenant,
  id: sp.id,
  name: input.name ?? input.entityId,
  createdAt: sp.createdAt,
  updatedAt: now.toISOString(),
  version: sp.version + 1,
});

/** What the audit trail records of a service provider: its settings, without certificates' bodies. */
export const auditedServiceProvider = (sp: ServiceProvider) => ({
  entityId: sp.entityId,
  name: sp.name,
  acs: sp.assertionConsumerServices.map((a) => a.url),
  slo: sp.singleLogoutService?.url,
  backChannelLogout: sp.backChannelLogoutUrl,
  signingCertificates: sp.signingCertificates.length,
  encryptAssertion: sp.encryptAssertion,
  nameIdFormat: sp.nameIdFormat,
  attributes: sp.attributes.map((a) => a.name),
  requireSignedAuthnRequests: sp.requireSignedAuthnRequests,
  requireSignedLogoutMessages: sp.requireSignedLogoutMessages,
});
