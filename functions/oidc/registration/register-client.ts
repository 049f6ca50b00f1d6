import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { auditedClient, newClient, replacedClient } from '../../../shared/domain/oauth/client-lifecycle.ts';
import { clientSettingsOf, InvalidClientMetadata, metadataOf, parseClientMetadata, type ClientMetadata } from '../../../shared/domain/oauth/client-metadata.ts';
import { invalidRequest, invalidToken, OAuthError } from '../../../shared/domain/oauth/errors.ts';
import { bearerToken, verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { generateSecret, hashSecret, verifySecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { jsonObjectOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';

type Request = HttpRequest<OidcDeps>;

function metadataFrom(body: Record<string, unknown>): ClientMetadata {
  try {
    return parseClientMetadata(body);
  } catch (error) {
    if (error instanceof InvalidClientMetadata) throw new OAuthError('invalid_client_metadata', error.message);
    throw error;
  }
}

const registrationUri = (request: Request, tenant: Tenant, clientId: string) => `${issuerOf(request.deps.publicUrl, tenant)}/oauth2/register/${clientId}`;

/** The client's metadata with its RFC 7592 management link, and what is shown only once (secret, token). */
const registrationResponse = (request: Request, tenant: Tenant, client: OAuthClient, once: { secret?: string; registrationToken?: string }) => ({
  ...metadataOf(client),
  ...(once.secret ? { client_secret: once.secret, client_secret_expires_at: 0 } : {}),
  ...(once.registrationToken ? { registration_access_token: once.registrationToken } : {}),
  registration_client_uri: registrationUri(request, tenant, client.clientId),
});

const clientEvent = (request: Request, tenant: Tenant, type: AuditEventType, actor: string, client: OAuthClient, details: Record<string, unknown>) =>
  createAuditEvent({
    tenant: tenant.id, type, actor: { kind: 'client', id: actor }, subject: `client:${client.clientId}`,
    clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, outcome: 'success', details,
  });

/**
 * POST /t/{tenant}/oauth2/register (RFC 7591): Dynamic Client Registration, with an admin
 * access token of this tenant as the initial access token. The secret and the registration
 * access token (RFC 7592) are returned once and stored only as hashes.
 */
export async function registerClient(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const issuer = issuerOf(request.deps.publicUrl, tenant);
  const caller = await verifyAccessToken(request.deps, tenant.id, issuer, bearerToken(request.headers.authorization), { audience: `${issuer}/api/v1`, scope: 'admin' });
  const created = await newClient(tenant.id, clientSettingsOf(metadataFrom(jsonObjectOf(request))), Date.now());
  const registrationToken = generateSecret();
  const client: OAuthClient = { ...created.client, registrationTokenHash: await hashSecret('registration-token', registrationToken) };
  await request.deps.clients.create(client, [
    clientEvent(request, tenant, 'client.created', caller.client_id, client, { name: client.name, grantTypes: client.grantTypes, redirectUris: client.redirectUris, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod }),
  ]);
  return json(201, registrationResponse(request, tenant, client, { ...(created.secret ? { secret: created.secret } : {}), registrationToken }), { 'cache-control': 'no-store' });
}

/**
 * RFC 7592 §2: the registration access token is the only key to the client's configuration.
 * A wrong token and an unknown client answer alike (401), so neither can be probed.
 */
async function managedClient(request: Request): Promise<{ tenant: Tenant; client: OAuthClient }> {
  const tenant = tenantOf(request);
  const token = bearerToken(request.headers.authorization);
  const clientId = request.pathParameters.clientId ?? '';
  const client = /^[A-Za-z0-9_-]{1,128}$/.test(clientId) ? await request.deps.clients.get(tenant.id, clientId) : undefined;
  if (!client?.registrationTokenHash || !(await verifySecret(token, client.registrationTokenHash))) throw invalidToken('The registration access token is invalid');
  return { tenant, client };
}

/** GET /t/{tenant}/oauth2/register/{clientId} (RFC 7592 §2.1): the client's current configuration. */
export async function readRegistration(request: Request): Promise<HttpResponse> {
  const { tenant, client } = await managedClient(request);
  return json(200, registrationResponse(request, tenant, client, {}), { 'cache-control': 'no-store' });
}

/**
 * PUT /t/{tenant}/oauth2/register/{clientId} (RFC 7592 §2.2): replaces the metadata as a whole
 * (omitted fields return to their defaults). A client moving to secret authentication gets a
 * new secret, shown once; one moving away loses its secret.
 */
export async function updateRegistration(request: Request): Promise<HttpResponse> {
  const { tenant, client } = await managedClient(request);
  const body = jsonObjectOf(request);
  if (body.client_id !== client.clientId) throw invalidRequest('client_id must be sent and match the client');
  if (body.client_secret !== undefined && !(typeof body.client_secret === 'string' && client.secretHash && (await verifySecret(body.client_secret, client.secretHash)))) {
    throw invalidRequest('client_secret does not match');
  }
  const { client_id: _id, client_secret: _secret, registration_access_token: _rat, registration_client_uri: _uri, client_id_issued_at: _iat, client_secret_expires_at: _exp, ...metadata } = body;
  const { client: updated, secret } = await replacedClient(client, clientSettingsOf(metadataFrom(metadata)), Date.now());
  const replaced = await request.deps.clients.replace(updated, [clientEvent(request, tenant, 'client.updated', client.clientId, client, { before: auditedClient(client), after: auditedClient(updated) })]);
  if (!replaced) throw invalidToken('The registration access token is invalid');
  return json(200, registrationResponse(request, tenant, updated, secret ? { secret } : {}), { 'cache-control': 'no-store' });
}

/** DELETE /t/{tenant}/oauth2/register/{clientId} (RFC 7592 §2.3): the client is gone; its tokens stop working at the token endpoint. */
export async function deleteRegistration(request: Request): Promise<HttpResponse> {
  const { tenant, client } = await managedClient(request);
  await request.deps.clients.remove(tenant.id, client.clientId, [clientEvent(request, tenant, 'client.deleted', client.clientId, client, { name: client.name })]);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}
