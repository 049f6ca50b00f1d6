import { generateSecret, hashSecret } from '../secrets/secret-hashing.ts';
import { clientDefaults, type OAuthClient } from './client.ts';
import { usesSecret, type ClientSettings } from './client-metadata.ts';

/** A client with the secret to show once (only when one was just made); only its hash is stored. */
export interface IssuedClient {
  readonly client: OAuthClient;
  readonly secret?: string;
}

/** When the client last changed, in ms: the admin API's ETag version. */
export const clientVersion = (client: OAuthClient) => Math.floor(Date.parse(client.updatedAt ?? client.createdAt));

/** The time of a change, after the previous one even within the same millisecond, so versions always move. */
const changedAt = (client: OAuthClient, now: number) => new Date(Math.max(now, clientVersion(client) + 1)).toISOString();

/** A new client of the tenant from validated metadata; a secret when it authenticates with one. */
export async function newClient(tenant: string, settings: ClientSettings, now: number): Promise<IssuedClient> {
  const secret = usesSecret(settings.tokenEndpointAuthMethod) ? generateSecret() : undefined;
  const client: OAuthClient = { ...clientDefaults, ...settings, tenant, clientId: generateSecret(16), ...(secret ? { secretHash: await hashSecret('client-secret', secret) } : {}), createdAt: new Date(now).toISOString() };
  return { client, ...(secret ? { secret } : {}) };
}

/**
 * The client with its metadata replaced as a whole (omitted settings return to their defaults).
 * A move to secret authentication issues a secret; a move away drops the stored one.
 */
export async function replacedClient(client: OAuthClient, settings: ClientSettings, now: number): Promise<IssuedClient> {
  const secret = usesSecret(settings.tokenEndpointAuthMethod) && !client.secretHash ? generateSecret() : undefined;
  const { secretHash, backchannelLogoutUri: _b, jwks: _j, ...kept } = client;
  const next: OAuthClient = {
    ...kept,
    ...settings,
    ...(usesSecret(settings.tokenEndpointAuthMethod) ? { secretHash: secret ? await hashSecret('client-secret', secret) : secretHash! } : {}),
    updatedAt: changedAt(client, now),
  };
  return { client: next, ...(secret ? { secret } : {}) };
}

/** A new secret for the client; the old one stops working when this is stored. */
export async function withNewSecret(client: OAuthClient, now: number): Promise<Required<IssuedClient>> {
  const secret = generateSecret();
  return { client: { ...client, secretHash: await hashSecret('client-secret', secret), updatedAt: changedAt(client, now) }, secret };
}

/** What the audit trail keeps of a client: its settings, never a secret or a hash, keys by id. */
export function auditedClient(client: OAuthClient) {
  const { secretHash: _s, registrationTokenHash: _r, jwks, ...rest } = client;
  return { ...rest, ...(jwks ? { jwks: jwks.keys.map((k) => k.kid ?? k.kty) } : {}) };
}
