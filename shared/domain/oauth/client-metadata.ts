import { z } from 'zod';
import type { ClientAuthMethod, OAuthClient } from './client.ts';
import { isRegistrableRedirect } from './redirect-uri.ts';

const redirectUri = z.string().max(2000).refine(isRegistrableRedirect, 'must be https (or http on a loopback address), without a fragment');
const userScopes = ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'];
const managementScopes = ['admin', 'admin:read', 'scim'];

/** RFC 7591 §2 client metadata, the subset this provider implements; anything else is ignored. */
export const clientMetadataSchema = z
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
    const scopes = (m.scope ?? '').split(' ').filter(Boolean);
    const unknown = scopes.filter((s) => !userScopes.includes(s) && !managementScopes.includes(s));
    if (unknown.length) ctx.addIssue({ code: 'custom', path: ['scope'], message: `unknown scopes: ${unknown.join(' ')}` });
  });

export type ClientMetadata = z.output<typeof clientMetadataSchema>;

export class InvalidClientMetadata extends Error {
  override name = 'InvalidClientMetadata';
}

/** Validates metadata as a client sent it; the first problem is named by its path. */
export function parseClientMetadata(input: unknown): ClientMetadata {
  const parsed = clientMetadataSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidClientMetadata(`${issue.path.join('.') || 'metadata'}: ${issue.message}`);
}

/** Secret-based authentication methods: the client gets a generated secret, stored as a hash. */
export const usesSecret = (method: ClientAuthMethod) => method === 'client_secret_basic' || method === 'client_secret_post';

/** The registered settings the metadata stands for (everything but identity, secret and dates). */
export type ClientSettings = ReturnType<typeof clientSettingsOf>;

export function clientSettingsOf(m: ClientMetadata) {
  const scopes = m.scope ? [...new Set(m.scope.split(' ').filter(Boolean))] : m.grant_types.includes('client_credentials') ? [] : ['openid', 'profile', 'email', 'offline_access'];
  return {
    name: m.client_name,
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
  } satisfies Partial<OAuthClient>;
}

/** The client as RFC 7591 §3.2.1 metadata, never with its secret (which exists only as a hash). */
export function metadataOf(client: OAuthClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(Date.parse(client.createdAt) / 1000),
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
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
  };
}
