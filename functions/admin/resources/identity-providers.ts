import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { destinationProblem } from '../../../shared/adapters/outbound/destination.ts';
import { identityProviderInputSchema, identityProviderView, type IdentityProvider, type IdentityProviderInput } from '../../../shared/domain/federation/identity-provider.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { existingResource, expectWritten } from '../api/outcomes.ts';
import { pageOf } from '../api/schemas.ts';

const identityProviderSchema = z.object({
  id: z.string(), name: z.string(), kind: z.literal('oidc'), issuer: z.string(), clientId: z.string(), scopes: z.array(z.string()),
  provisioning: z.string(), enabled: z.boolean(), hasClientSecret: z.boolean(), createdAt: z.string(), updatedAt: z.string(), version: z.number().int(),
});

/** The body (already validated against the schema), its issuer checked as a destination the platform may call. */
function parseInput(call: AdminCall<unknown>): IdentityProviderInput {
  const input = call.body as IdentityProviderInput;
  const problem = destinationProblem(input.issuer);
  if (problem) throw new HttpError(400, 'validation_failed', `The identity provider is invalid: issuer: ${problem}`, { details: { errors: [{ path: 'issuer', message: problem }] } });
  return input;
}

const sealSecret = (call: AdminCall<unknown>, id: string, secret: string) => createSecureVault(call.req.deps.keyVault).seal('idp-client-secret', call.tenant.id, id, secret);

const audited = (idp: IdentityProvider) => {
  const { createdAt: _c, updatedAt: _u, version: _v, ...rest } = identityProviderView(idp);
  return rest;
};

const existing = (call: AdminCall<unknown>) => existingResource(call, 'idpId', 'identity provider', (tenant, id) => call.req.deps.identityProviders.get(tenant, id));

export const identityProviderOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/identity-providers', summary: 'List the upstream identity providers users may sign in with', tag: 'Federation', access: 'read', status: 200, paginated: true, response: pageOf(identityProviderSchema),
    handle: async (call) => {
      const result = await call.req.deps.identityProviders.list(call.tenant.id, call.page);
      return { body: { items: result.items.map(identityProviderView), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/identity-providers', summary: 'Add an upstream OpenID Connect provider (its client secret is sealed and never shown again); name it in a flow’s first step as `federated:{id}`', tag: 'Federation', access: 'write', status: 201, body: identityProviderInputSchema, response: identityProviderSchema, idempotent: true,
    handle: async (call) => {
      const { clientSecret, ...input } = parseInput(call);
      const id = randomUUID();
      const now = new Date().toISOString();
      const idp: IdentityProvider = { ...input, tenant: call.tenant.id, id, ...(clientSecret ? { sealedClientSecret: await sealSecret(call, id, clientSecret) } : {}), createdAt: now, updatedAt: now, version: 1 };
      await call.req.deps.identityProviders.create(idp, [call.event('idp.created', `idp:${id}`, { after: audited(idp) })]);
      return { body: identityProviderView(idp), version: 1, headers: { location: `/t/${call.tenant.slug}/api/v1/identity-providers/${id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Read an identity provider (never its client secret)', tag: 'Federation', access: 'read', status: 200, response: identityProviderSchema,
    handle: async (call) => {
      const idp = await existing(call);
      return { body: identityProviderView(idp), version: idp.version };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Replace an identity provider’s settings; the client secret is replaced only when given', tag: 'Federation', access: 'write', status: 200, body: identityProviderInputSchema, response: identityProviderSchema, conditional: true,
    handle: async (call) => {
      const idp = await existing(call);
      const { clientSecret, ...input } = parseInput(call);
      const next: IdentityProvider = { ...idp, ...input, ...(clientSecret ? { sealedClientSecret: await sealSecret(call, idp.id, clientSecret) } : {}), updatedAt: new Date().toISOString(), version: idp.version + 1 };
      expectWritten(await call.req.deps.identityProviders.replace(idp, next, [call.event('idp.updated', `idp:${idp.id}`, { before: audited(idp), after: audited(next), secretReplaced: clientSecret !== undefined })]), 'identity provider');
      return { body: identityProviderView(next), version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/identity-providers/{idpId}', summary: 'Remove an identity provider (its users can no longer sign in through it)', tag: 'Federation', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const idp = await existing(call);
      expectWritten(await call.req.deps.identityProviders.remove(idp, [call.event('idp.deleted', `idp:${idp.id}`, { before: audited(idp) })]), 'identity provider');
      return {};
    },
  }),
];
