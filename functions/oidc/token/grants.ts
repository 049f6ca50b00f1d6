import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import type { OidcDeps } from '../deps.ts';
import { authorizationCodeGrant } from './authorization-code.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { refreshTokenGrant } from './refresh-token.ts';

export interface GrantContext {
  readonly deps: OidcDeps;
  readonly tenant: string;
  readonly issuer: string;
  readonly client: OAuthClient;
  readonly form: URLSearchParams;
  readonly clientIp: string;
  readonly userAgent: string;
  readonly correlationId: string;
  readonly now: number;
}

export type TokenResponse = Record<string, string | number>;

export type GrantHandler = (context: GrantContext) => Promise<TokenResponse>;

/** The grant types this token endpoint serves: adding a grant is adding an entry (CONVENTIONS §2). */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

export const supportedGrantTypes = Object.keys(grantHandlers);
