import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { invalidClient, invalidRequest } from '../../../shared/domain/oauth/errors.ts';
import type { ClientRegistry } from '../../../shared/domain/ports/client-registry.ts';
import { verifySecret } from '../../../shared/domain/secrets/secret-hashing.ts';

export const supportedAuthMethods = ['client_secret_basic', 'client_secret_post', 'none'];

export interface ClientCredentials {
  readonly method: 'client_secret_basic' | 'client_secret_post';
  readonly clientId: string;
  readonly secret: string;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function basicCredentials(header: string | undefined): ClientCredentials | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient('Malformed Basic credentials');
  try {
    return { method: 'client_secret_basic', clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw invalidClient('Malformed Basic credentials');
  }
}

const secretMethods = new Set(['client_secret_basic', 'client_secret_post']);

/**
 * Client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9): exactly one
 * method per request, its secret checked against the stored hash. A secret client may send
 * its secret either way (Basic or in the form, as Keycloak allows): the two are equally
 * strong, and clients' libraries default to different ones. Every failure is the same
 * invalid_client, so client ids cannot be probed.
 */
export async function authenticateClient(tenant: string, authorization: string | undefined, form: URLSearchParams, clients: ClientRegistry): Promise<OAuthClient> {
  const basic = basicCredentials(authorization);
  const postedSecret = form.get('client_secret');
  if (basic && (postedSecret !== null || form.has('client_assertion'))) throw invalidRequest('Use one client authentication method');
  if (basic && form.has('client_id') && form.get('client_id') !== basic.clientId) throw invalidRequest('client_id does not match the credentials');
  const credentials: ClientCredentials | undefined =
    basic ?? (postedSecret !== null && form.get('client_id') ? { method: 'client_secret_post', clientId: form.get('client_id')!, secret: postedSecret } : undefined);
  if (!credentials) {
    // A public client (token_endpoint_auth_method "none") names itself; PKCE, not a secret, proves it.
    const clientId = form.get('client_id');
    const client = clientId && clientId.length <= 128 ? await clients.get(tenant, clientId) : undefined;
    if (client?.tokenEndpointAuthMethod === 'none' && !form.has('client_assertion')) return client;
    throw invalidClient('Client authentication is required');
  }
  if (credentials.clientId.length > 128 || credentials.secret.length > 256) throw invalidClient();
  const client = await clients.get(tenant, credentials.clientId);
  const valid = client?.secretHash !== undefined && (await verifySecret(credentials.secret, client.secretHash));
  if (!client || !valid || !secretMethods.has(client.tokenEndpointAuthMethod)) throw invalidClient();
  return client;
}
