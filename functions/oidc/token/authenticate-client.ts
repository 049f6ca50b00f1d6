import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { invalidClient, invalidRequest } from '../../../shared/domain/oauth/errors.ts';
import type { ClientRegistry } from '../../../shared/domain/ports/client-registry.ts';
import type { GrantStore } from '../../../shared/domain/ports/grant-store.ts';
import { verifySecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { tenantOf, type HttpRequest } from '../../../shared/http/request.ts';
import type { OidcDeps } from '../deps.ts';

export const supportedAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
/** Asymmetric algorithms only: never none, never HS* (a public key used as an HMAC secret). */
export const assertionAlgorithms = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];
const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const maxAssertionLifetimeSeconds = 600;

export interface ClientAuthenticationContext {
  readonly tenant: string;
  readonly issuer: string;
  readonly clients: ClientRegistry;
  readonly grants: GrantStore;
}

interface SecretCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function basicCredentials(header: string | undefined): SecretCredentials | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient('Malformed Basic credentials');
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw invalidClient('Malformed Basic credentials');
  }
}

const secretMethods = new Set(['client_secret_basic', 'client_secret_post']);

async function secretClient(context: ClientAuthenticationContext, credentials: SecretCredentials): Promise<OAuthClient> {
  if (credentials.clientId.length > 128 || credentials.secret.length > 256) throw invalidClient();
  const client = await context.clients.get(context.tenant, credentials.clientId);
  const valid = client?.secretHash !== undefined && (await verifySecret(credentials.secret, client.secretHash));
  if (!client || !valid || !secretMethods.has(client.tokenEndpointAuthMethod)) throw invalidClient();
  return client;
}

/**
 * private_key_jwt (RFC 7523 §3, OIDC Core §9): a JWT the client signed with a key it
 * registered, issued by and about itself, for this issuer alone (a single audience), short
 * lived, and used once (its jti is remembered until it expires).
 */
async function assertionClient(context: ClientAuthenticationContext, form: URLSearchParams): Promise<OAuthClient> {
  if (form.get('client_assertion_type') !== jwtBearer) throw invalidRequest(`client_assertion_type must be ${jwtBearer}`);
  const assertion = form.get('client_assertion')!;
  if (assertion.length > 8192) throw invalidClient();
  let clientId: unknown;
  try {
    clientId = decodeJwt(assertion).iss;
  } catch {
    throw invalidClient('The client assertion is malformed');
  }
  if (typeof clientId !== 'string' || clientId.length > 128 || (form.has('client_id') && form.get('client_id') !== clientId)) throw invalidClient();
  const client = await context.clients.get(context.tenant, clientId);
  if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt' || !client.jwks) throw invalidClient();
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks as JSONWebKeySet), {
      algorithms: assertionAlgorithms,
      issuer: clientId,
      subject: clientId,
      audience: context.issuer,
      requiredClaims: ['exp', 'jti', 'aud'],
    }));
  } catch {
    throw invalidClient('The client assertion is not valid');
  }
  if (Array.isArray(payload.aud)) throw invalidClient('The client assertion must name this issuer as its only audience');
  if (payload.exp! - Math.floor(Date.now() / 1000) > maxAssertionLifetimeSeconds) throw invalidClient('The client assertion lives too long');
  if (!(await context.grants.useAssertionId(context.tenant, clientId, String(payload.jti).slice(0, 256), payload.exp! * 1000))) throw invalidClient('The client assertion was already used');
  return client;
}

/**
 * Client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9): exactly one
 * method per request. A secret client may send its secret either way (Basic or in the form,
 * as Keycloak allows): the two are equally strong, and client libraries default to different
 * ones. Every failure is the same invalid_client, so client ids cannot be probed.
 */
export async function authenticateClient(context: ClientAuthenticationContext, authorization: string | undefined, form: URLSearchParams): Promise<OAuthClient> {
  const basic = basicCredentials(authorization);
  const postedSecret = form.get('client_secret');
  const assertion = form.has('client_assertion');
  if ([basic !== undefined, postedSecret !== null, assertion].filter(Boolean).length > 1) throw invalidRequest('Use one client authentication method');
  if (basic && form.has('client_id') && form.get('client_id') !== basic.clientId) throw invalidRequest('client_id does not match the credentials');
  if (basic) return secretClient(context, basic);
  if (postedSecret !== null && form.get('client_id')) return secretClient(context, { clientId: form.get('client_id')!, secret: postedSecret });
  if (assertion) return assertionClient(context, form);
  // A public client (token_endpoint_auth_method "none") names itself; PKCE, not a secret, proves it.
  const clientId = form.get('client_id');
  const client = clientId && clientId.length <= 128 ? await context.clients.get(context.tenant, clientId) : undefined;
  if (client?.tokenEndpointAuthMethod === 'none') return client;
  throw invalidClient('Client authentication is required');
}

/** The calling client of an OAuth endpoint request (token, introspection, revocation). */
export function authenticateRequestClient(request: HttpRequest<OidcDeps>, form: URLSearchParams): Promise<OAuthClient> {
  const tenant = tenantOf(request);
  const context = { tenant: tenant.id, issuer: issuerOf(request.deps.publicUrl, tenant), clients: request.deps.clients, grants: request.deps.grants };
  return authenticateClient(context, request.headers.authorization, form);
}
