import { z } from 'zod';
import { consoleClientId, type OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { auditedClient, clientVersion, newClient, replacedClient, withNewSecret } from '../../../shared/domain/oauth/client-lifecycle.ts';
import { clientMetadataSchema, clientSettingsOf, metadataOf, usesSecret } from '../../../shared/domain/oauth/client-metadata.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { pageOf } from '../api/schemas.ts';
import { createServiceProvider, samlMetadataType, serviceProviderSchema } from './service-providers.ts';

/** An OIDC application as the API shows it: RFC 7591 metadata, never the secret. */
const applicationSchema = z.object({
  client_id: z.string(),
  client_id_issued_at: z.number().int(),
  client_name: z.string(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  scope: z.string(),
  id_token_signed_response_alg: z.string(),
  require_pushed_authorization_requests: z.boolean(),
  first_party: z.boolean(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  backchannel_logout_uri: z.string().optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  client_secret: z.string().optional().describe('Only in the answer that created or rotated it'),
  version: z.number().int(),
});

const versionOf = clientVersion;
const applicationView = (client: OAuthClient, secret?: string) => ({ ...metadataOf(client), ...(secret ? { client_secret: secret } : {}), version: versionOf(client) });

async function existingClient(call: AdminCall<unknown>): Promise<OAuthClient> {
  const id = call.req.pathParameters.clientId ?? '';
  const client = /^[A-Za-z0-9_-]{1,128}$/.test(id) ? await call.req.deps.clients.get(call.tenant.id, id) : undefined;
  if (!client) throw notFound('No such application');
  return client;
}

/** An application an administrator may change: any but the console's own client, which the platform keeps as the console needs it. */
async function changeableClient(call: AdminCall<unknown>): Promise<OAuthClient> {
  const client = await existingClient(call);
  if (client.clientId === consoleClientId) throw new HttpError(409, 'managed_by_platform', 'The admin console’s own client is managed by the platform and cannot be changed or deleted');
  return client;
}

/** Clients carry no counter; their last change time stands in as the ETag's version. */
function checkVersion(call: AdminCall<unknown>, client: OAuthClient): void {
  if (call.ifMatch !== undefined && call.ifMatch !== versionOf(client)) throw new HttpError(412, 'precondition_failed', 'The application has changed since that ETag; read it again and retry');
}

export const applicationOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/applications', summary: 'List applications (OIDC clients)', tag: 'Applications', access: 'read', status: 200, paginated: true, response: pageOf(applicationSchema),
    handle: async ({ req, tenant, page }) => {
      const result = await req.deps.clients.list(tenant.id, page);
      return { body: { items: result.items.map((c) => applicationView(c)), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/applications', summary: `Register an application: an OIDC client from RFC 7591 client metadata (the secret is shown once), or a SAML service provider from its metadata sent as ${samlMetadataType}`, tag: 'Applications', access: 'write', status: 201, body: clientMetadataSchema, xmlBody: samlMetadataType, response: z.union([applicationSchema, serviceProviderSchema]), idempotent: true,
    handle: async (call) => {
      if (call.body === undefined) return createServiceProvider(call);
      const { client, secret } = await newClient(call.tenant.id, clientSettingsOf(call.body), Date.now());
      await call.req.deps.clients.create(client, [call.event('client.created', `client:${client.clientId}`, { after: auditedClient(client) })]);
      return { body: applicationView(client, secret), version: versionOf(client), headers: { location: `/t/${call.tenant.slug}/api/v1/applications/${client.clientId}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/applications/{clientId}', summary: 'Read an application', tag: 'Applications', access: 'read', status: 200, response: applicationSchema,
    handle: async (call) => {
      const client = await existingClient(call);
      return { body: applicationView(client), version: versionOf(client) };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/applications/{clientId}', summary: 'Replace an application’s metadata (omitted fields return to their defaults)', tag: 'Applications', access: 'write', status: 200, body: clientMetadataSchema, response: applicationSchema, conditional: true,
    handle: async (call) => {
      const client = await changeableClient(call);
      checkVersion(call, client);
      const { client: next, secret } = await replacedClient(client, clientSettingsOf(call.body), Date.now());
      if (!(await call.req.deps.clients.replace(next, [call.event('client.updated', `client:${client.clientId}`, { before: auditedClient(client), after: auditedClient(next) })]))) throw notFound('No such application');
      return { body: applicationView(next, secret), version: versionOf(next) };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/applications/{clientId}/secret', summary: 'Issue a new client secret (the old one stops working at once)', tag: 'Applications', access: 'write', status: 200, response: applicationSchema, conditional: true,
    handle: async (call) => {
      const client = await changeableClient(call);
      checkVersion(call, client);
      if (!usesSecret(client.tokenEndpointAuthMethod)) throw new HttpError(409, 'no_secret', 'This application does not authenticate with a secret');
      const { client: next, secret } = await withNewSecret(client, Date.now());
      if (!(await call.req.deps.clients.replace(next, [call.event('client.secret_rotated', `client:${client.clientId}`, {})]))) throw notFound('No such application');
      return { body: applicationView(next, secret), version: versionOf(next) };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/applications/{clientId}', summary: 'Delete an application', tag: 'Applications', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const client = await changeableClient(call);
      checkVersion(call, client);
      if (!(await call.req.deps.clients.remove(call.tenant.id, client.clientId, [call.event('client.deleted', `client:${client.clientId}`, { name: client.name })]))) throw notFound('No such application');
      return {};
    },
  }),
];
