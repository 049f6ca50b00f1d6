import { z } from 'zod';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { clientDefaults, type OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { OAuthError } from '../../../shared/domain/oauth/errors.ts';
import { isRegistrableRedirect } from '../../../shared/domain/oauth/redirect-uri.ts';
import { bearerToken, verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { generateSecret, hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { jsonObjectOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';

const redirectUri = z.string().max(2000).refine(isRegistrableRedirect, 'must be https (or http on a loopback address), without a fragment');
const userScopes = ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'];

/** RFC 7591 §2 client metadata, the subset this provider implements; anything else is ignored. */
const metadataSchema = z
  .object({
    client_name: z.string().trim().min(1).max(100).default('Unnamed application'),
    redirect_uris: z.array(redirectUri).max(20).default([]),
    post_logout_redirect_uris: z.array(redirectUri).max(20).default([]),
    grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])).min(1).default(['authorization_code']),
    response_types: z.array(z.literal('code')).default(['code']),
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']).default('client_secret_basic'),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) })
      .refine((set) => set.keys.every((k) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in k)), 'must hold public keys only')
      .optional(),
    scope: z.string().max(1000).optional(),
    id_token_signed_response_alg: z.enum(['ES256', 'RS256']).default('ES256'),
    require_pushed_authorization_requests: z.boolean().default(false),
    backchannel_logout_uri: redirectUri.optional(),
    // Extension: the tenant's own application, whose users are not asked for consent (it is still recorded).
    first_party: z.boolean().default(false),
  })
  .superRefine((m, ctx) => {
    if (m.grant_types.includes('authorization_code') && m.redirect_uris.length === 0) ctx.addIssue({ code: 'custom', path: ['redirect_uris'], message: 'required for authorization_code' });
    if (m.token_endpoint_auth_method === 'private_key_jwt' && !m.jwks) ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'required for private_key_jwt' });
    if (m.token_endpoint_auth_method === 'none' && m.grant_types.includes('client_credentials')) ctx.addIssue({ code: 'custom', path: ['grant_types'], message: 'a public client cannot use client_credentials' });
  });

const invalidMetadata = (description: string) => new OAuthError('invalid_client_metadata', description);

/**
 * POST /t/{tenant}/oauth2/register (RFC 7591): Dynamic Client Registration, with an admin
 * access token of this tenant as the initial access token. The secret is returned once and
 * stored only as a hash.
 */
export async function registerClient(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const issuer = issuerOf(request.deps.publicUrl, tenant);
  const caller = await verifyAccessToken(request.deps, tenant.id, issuer, bearerToken(request.headers.authorization), { audience: `${issuer}/api/v1`, scope: 'admin' });
  const parsed = metadataSchema.safeParse(jsonObjectOf(request));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidMetadata(`${issue.path.join('.') || 'metadata'}: ${issue.message}`);
  }
  const m = parsed.data;
  const scopes = m.scope ? [...new Set(m.scope.split(' ').filter(Boolean))] : m.grant_types.includes('client_credentials') ? [] : ['openid', 'profile', 'email', 'offline_access'];
  const unknown = scopes.filter((s) => !userScopes.includes(s) && !['admin', 'scim'].includes(s));
  if (unknown.length) throw invalidMetadata(`Unknown scopes: ${unknown.join(' ')}`);
  const secret = m.token_endpoint_auth_method === 'none' || m.token_endpoint_auth_method === 'private_key_jwt' ? undefined : generateSecret();
  const now = new Date();
  const client: OAuthClient = {
    ...clientDefaults,
    tenant: tenant.id,
    clientId: generateSecret(16),
    name: m.client_name,
    ...(secret ? { secretHash: await hashSecret('client-secret', secret) } : {}),
    tokenEndpointAuthMethod: m.token_endpoint_auth_method,
    grantTypes: m.grant_types,
    redirectUris: m.redirect_uris,
    postLogoutRedirectUris: m.post_logout_redirect_uris,
    scopes,
    idTokenSignedResponseAlg: m.id_token_signed_response_alg,
    requirePushedAuthorizationRequests: m.require_pushed_authorization_requests,
    firstParty: m.first_party,
    ...(m.backchannel_logout_uri ? { backchannelLogoutUri: m.backchannel_logout_uri } : {}),
    ...(m.jwks ? { jwks: m.jwks } : {}),
    createdAt: now.toISOString(),
  };
  await request.deps.clients.create(client, [
    createAuditEvent({
      tenant: tenant.id, type: 'client.created', actor: { kind: 'client', id: caller.client_id }, subject: `client:${client.clientId}`,
      clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, outcome: 'success', time: now,
      details: { name: client.name, grantTypes: client.grantTypes, redirectUris: client.redirectUris, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod },
    }),
  ]);
  return json(201, {
    client_id: client.clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(now.getTime() / 1000),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scopes.join(' '),
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    first_party: client.firstParty,
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
  });
}
