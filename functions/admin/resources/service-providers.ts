import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EntityIdInUse } from '../../../shared/domain/ports/service-provider-registry.ts';
import { SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { auditedServiceProvider, newServiceProvider, replacedServiceProvider, serviceProviderInputSchema, type ServiceProvider, type ServiceProviderInput } from '../../../shared/domain/saml/service-provider.ts';
import { serviceProviderFromMetadata } from '../../../shared/domain/saml/sp-metadata.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation, type AdminCall, type AdminResult } from '../api/operation.ts';
import { existingResource, expectWritten } from '../api/outcomes.ts';
import { pageOf } from '../api/schemas.ts';

export const samlMetadataType = 'application/samlmetadata+xml';

/** A registered service provider as the API shows it. */
export const serviceProviderSchema = z.object({
  id: z.string(),
  entityId: z.string(),
  name: z.string(),
  assertionConsumerServices: z.array(z.object({ url: z.string(), binding: z.string(), index: z.number().int(), isDefault: z.boolean() })),
  singleLogoutService: z.object({ url: z.string(), binding: z.string() }).optional(),
  backChannelLogoutUrl: z.string().optional(),
  signingCertificates: z.array(z.string()),
  encryptionCertificate: z.string().optional(),
  requireSignedAuthnRequests: z.boolean(),
  requireSignedLogoutMessages: z.boolean(),
  signAssertion: z.boolean(),
  signResponse: z.boolean(),
  encryptAssertion: z.boolean(),
  nameIdFormat: z.string(),
  nameIdSource: z.string(),
  attributes: z.array(z.object({ name: z.string(), source: z.string(), nameFormat: z.string(), friendlyName: z.string().optional() })),
  assertionLifetimeSeconds: z.number().int(),
  allowIdpInitiated: z.boolean(),
  metadataUrl: z.string().describe('The IdP metadata this SP should load'),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

const view = (call: AdminCall<unknown>, sp: ServiceProvider) => {
  const { tenant: _t, ...rest } = sp;
  return { ...rest, metadataUrl: `${call.req.deps.publicUrl}/t/${call.tenant.slug}/saml2/metadata` };
};

const validationFailed = (issues: readonly z.core.$ZodIssue[]) => {
  const errors = issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  return new HttpError(400, 'validation_failed', `The service provider is invalid: ${errors[0]!.path}: ${errors[0]!.message}`, { details: { errors } });
};

/** The body of a create or replace: JSON fields, or the SP's metadata XML. */
export function serviceProviderInputOf(call: AdminCall<unknown>): ServiceProviderInput {
  const body = call.req.state.body;
  let raw: unknown = call.body;
  if (body.kind === 'text' && body.contentType === samlMetadataType) {
    try {
      const name = typeof call.query.name === 'string' ? call.query.name : undefined;
      raw = { ...serviceProviderFromMetadata(body.value), ...(name ? { name } : {}) };
    } catch (error) {
      if (error instanceof SamlMessageRejected) throw new HttpError(400, 'invalid_metadata', `The metadata was refused: ${error.reason}`);
      throw error;
    }
  }
  const parsed = serviceProviderInputSchema.safeParse(raw);
  if (!parsed.success) throw validationFailed(parsed.error.issues);
  return parsed.data;
}

const entityIdTaken = () => new HttpError(409, 'entity_id_taken', 'Another service provider of this tenant has this entityID');

export async function createServiceProvider(call: AdminCall<unknown>): Promise<AdminResult> {
  const sp = newServiceProvider(call.tenant.id, randomUUID(), serviceProviderInputOf(call), new Date());
  try {
    await call.req.deps.serviceProviders.create(sp, [call.event('saml.sp_created', `saml_sp:${sp.id}`, { after: auditedServiceProvider(sp) })]);
  } catch (error) {
    if (error instanceof EntityIdInUse) throw entityIdTaken();
    throw error;
  }
  return { body: view(call, sp), version: sp.version, headers: { location: `/t/${call.tenant.slug}/api/v1/saml-service-providers/${sp.id}` } };
}

const existing = (call: AdminCall<unknown>) => existingResource(call, 'spId', 'service provider', (tenant, id) => call.req.deps.serviceProviders.get(tenant, id));

/** The body schema documents the JSON form; the same operations take metadata XML. */
const inputBody = serviceProviderInputSchema.optional();
const xmlNote = ` Also accepts the SP's metadata with Content-Type: ${samlMetadataType}.`;
/** Metadata names no display name we trust; the administrator may give one beside it. */
const metadataQuery = z.object({ name: z.string().trim().min(1).max(128).optional().describe('With metadata XML: the name to show (default: the entityID)') }).strict();

export const serviceProviderOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/saml-service-providers', summary: 'List SAML service providers', tag: 'Applications', access: 'read', status: 200, paginated: true, response: pageOf(serviceProviderSchema),
    handle: async (call) => {
      const result = await call.req.deps.serviceProviders.list(call.tenant.id, call.page);
      return { body: { items: result.items.map((sp) => view(call, sp)), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/saml-service-providers', summary: `Register a SAML service provider.${xmlNote}`, tag: 'Applications', access: 'write', status: 201, body: inputBody, xmlBody: samlMetadataType, query: metadataQuery, response: serviceProviderSchema, idempotent: true,
    handle: createServiceProvider,
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/saml-service-providers/{spId}', summary: 'Read a SAML service provider', tag: 'Applications', access: 'read', status: 200, response: serviceProviderSchema,
    handle: async (call) => {
      const sp = await existing(call);
      return { body: view(call, sp), version: sp.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/saml-service-providers/{spId}', summary: `Replace a SAML service provider’s settings (omitted fields return to their defaults).${xmlNote}`, tag: 'Applications', access: 'write', status: 200, body: inputBody, xmlBody: samlMetadataType, response: serviceProviderSchema, conditional: true,
    handle: async (call) => {
      const sp = await existing(call);
      const next = replacedServiceProvider(sp, serviceProviderInputOf(call), new Date());
      try {
        expectWritten(await call.req.deps.serviceProviders.replace(sp, next, [call.event('saml.sp_updated', `saml_sp:${sp.id}`, { before: auditedServiceProvider(sp), after: auditedServiceProvider(next) })]), 'service provider');
      } catch (error) {
        if (error instanceof EntityIdInUse) throw entityIdTaken();
        throw error;
      }
      return { body: view(call, next), version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/saml-service-providers/{spId}', summary: 'Delete a SAML service provider', tag: 'Applications', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const sp = await existing(call);
      expectWritten(await call.req.deps.serviceProviders.remove(sp, [call.event('saml.sp_deleted', `saml_sp:${sp.id}`, { entityId: sp.entityId })]), 'service provider');
      return {};
    },
  }),
];
