import type { OAuthClient } from '../../../shared/domain/oauth/client.ts';
import type { OidcDeps } from '../deps.ts';
import { clientCredentialsGrant } from './client-credentials.ts';

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
  client_credentials: clientCredentialsGrant,
};

export const supportedGrantTypes = Object.keys(grantHandlers);
