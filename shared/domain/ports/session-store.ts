import type { AuditEvent } from '../audit/event.ts';

/** An SSO session as stored: only the hash of its id, never the id itself. */
export interface SsoSession {
  readonly idHash: string;
  readonly tenant: string;
  readonly userId: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  readonly lastSeenAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
  /** A session begun at an upstream identity provider: what that provider's logout messages (and ours to it) name. */
  readonly upstream?: UpstreamSession;
}

export interface UpstreamSession {
  readonly idpId: string;
  /** The upstream's subject: the ID token's `sub`, or the SAML NameID. */
  readonly subject: string;
  /** The upstream's session: the ID token's `sid`, or the SAML SessionIndex (and the NameID's format). */
  readonly sid?: string;
  readonly sessionIndex?: string;
  readonly nameIdFormat?: string;
}

export interface SessionStore {
  /** Stores the session together with the events of the login that made it. */
  create(session: SsoSession, events: readonly AuditEvent[]): Promise<void>;
  find(tenant: string, idHash: string): Promise<SsoSession | undefined>;
  touch(session: SsoSession, now: number, idleExpiresAt: number): Promise<void>;
  end(tenant: string, idHash: string, events: readonly AuditEvent[]): Promise<boolean>;
  /** The user's live SSO sessions (gsi1: everything held for one user), newest first. */
  listForUser(tenant: string, userId: string, now: number): Promise<SsoSession[]>;
}

export interface RateLimiter {
  /** Counts one hit against the key in the current window; `allowed` false past the limit. */
  hit(key: string, limit: number, windowSeconds: number, now: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

/** An authentication in progress, opened by a protocol (OIDC, SAML) that sent the user to the login page. */
export interface AuthTransaction {
  readonly id: string;
  readonly tenant: string;
  /** Where the login returns once the user is authenticated: a path under the tenant. */
  readonly returnTo: string;
  readonly expiresAt: number;
  /** The protocol asked for a fresh login (prompt=login, max_age): an existing session does not do. */
  readonly forceLogin: boolean;
  /** The protocol asked the user to pick the account (prompt=select_account), and the user has not yet. */
  readonly chooseAccount: boolean;
  /** The application the sign-in is for (its client id): its flow applies. */
  readonly application?: string;
  /** Where the application will receive the user afterwards: the pages' forms must be allowed to end there. */
  readonly clientOrigin?: string;
  /** Who the application expects to sign in (login_hint), to fill in the form. */
  readonly loginHint?: string;
  /** Home realm discovery hints of the application (OIDC idp_hint, domain_hint). */
  readonly idpHint?: string;
  readonly domainHint?: string;
  /** The application's ui_locales: the pages' language comes from them first. */
  readonly uiLocales?: string;
  /** Authentication context the application asked for (OIDC acr_values, SAML RequestedAuthnContext): the flow's rules see it. */
  readonly acrValues?: readonly string[];
}

export interface AuthTransactions {
  find(tenant: string, id: string, now: number): Promise<AuthTransaction | undefined>;
  /** The account chooser's answer: go on with the signed-in account, or sign in with another one. */
  chooseAccount(tenant: string, id: string, choice: 'current' | 'another'): Promise<void>;
}
