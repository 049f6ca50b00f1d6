import type { SigningAlgorithm } from '../keys/signing-key.ts';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** An OAuth client (relying party) of one tenant, as registered. */
export interface OAuthClient {
  readonly tenant: string;
  readonly clientId: string;
  readonly name: string;
  /** Present for secret-based authentication; only the hash is ever stored. */
  readonly secretHash?: string;
  readonly tokenEndpointAuthMethod: ClientAuthMethod;
  readonly grantTypes: readonly GrantType[];
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  /** The scopes this client may ask for. */
  readonly scopes: readonly string[];
  readonly idTokenSignedResponseAlg: SigningAlgorithm;
  readonly requirePushedAuthorizationRequests: boolean;
  /** First-party clients skip the consent prompt (the consent is still recorded). */
  readonly firstParty: boolean;
  readonly accessTokenLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  readonly refreshTokenIdleSeconds: number;
  readonly backchannelLogoutUri?: string;
  /** Public keys for private_key_jwt client authentication (RFC 7523). */
  readonly jwks?: { readonly keys: ReadonlyArray<Record<string, unknown>> };
  /** RFC 7592: the hash of the token that lets the registrant read, update and delete this client. */
  readonly registrationTokenHash?: string;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

/** The admin console's own client in each tenant: registered and managed by the platform, not by administrators. */
export const consoleClientId = 'console';

export const isPublic = (client: OAuthClient) => client.tokenEndpointAuthMethod === 'none';

export const clientDefaults = {
  idTokenSignedResponseAlg: 'ES256' as SigningAlgorithm,
  accessTokenLifetimeSeconds: 600,
  refreshTokenLifetimeSeconds: 30 * 86_400,
  refreshTokenIdleSeconds: 7 * 86_400,
};
