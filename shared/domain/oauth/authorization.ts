import type { User } from '../users/user.ts';
import type { ClaimsRequest } from './claims-request.ts';

/** What a user granted a client: the basis of every token issued for that user. */
export interface UserGrant {
  readonly user: User;
  readonly scopes: readonly string[];
  readonly nonce?: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly sid: string;
  /** Claims asked for by name with the `claims` parameter (OIDC Core §5.5). */
  readonly claims?: ClaimsRequest;
  /** Claims the user's consent withholds from this client (declined purposes), read at each issuance. */
  readonly withheld?: readonly string[];
}

/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), as the transaction keeps it. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly responseMode: 'query' | 'form_post';
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly prompt: readonly string[];
  readonly maxAge?: number;
  readonly loginHint?: string;
  /** Home realm discovery: the upstream provider (idp_hint) or the user's organisation domain (domain_hint) the application already knows. */
  readonly idpHint?: string;
  readonly domainHint?: string;
  /** The end-user's preferred languages for the pages (OIDC ui_locales, space-separated tags). */
  readonly uiLocales?: string;
  readonly acrValues?: readonly string[];
  readonly claims?: ClaimsRequest;
  /** The subject of a verified id_token_hint: only this user may be signed in for the request. */
  readonly hintSubject?: string;
}

/** What the authorization code stands for, until it is redeemed once. */
export interface CodeGrant {
  readonly tenant: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly userId: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly sid: string;
  readonly claims?: ClaimsRequest;
  readonly expiresAt: number;
}

/** A refresh-token family: one chain of rotated tokens from one authorization (the seed's "rolling tokens"). */
export interface RefreshFamily {
  readonly id: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly sid: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly absoluteExpiresAt: number;
  readonly idleExpiresAt: number;
  readonly claims?: ClaimsRequest;
  readonly status: 'active' | 'revoked';
}
