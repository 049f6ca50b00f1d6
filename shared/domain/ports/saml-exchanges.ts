import type { RequestedAuthnContext } from '../saml/authn-context.ts';

/** An AuthnRequest accepted and waiting for the user to sign in (or an IdP-initiated sign-in). */
export interface SamlLoginRequest {
  readonly spId: string;
  /** The AuthnRequest's ID, answered as InResponseTo; none for IdP-initiated SSO. */
  readonly requestId?: string;
  readonly acsUrl: string;
  readonly relayState?: string;
  readonly forceAuthn: boolean;
  readonly nameIdFormat: string;
  readonly requestedAuthnContext?: RequestedAuthnContext;
}

/** One participant of a Single Logout that the IdP sends a LogoutRequest to, and what it answered. */
export interface LogoutLeg {
  readonly spId: string;
  /** The subject as that SP knows it, from its participation in the session. */
  readonly nameId: string;
  readonly nameIdFormat: string;
  readonly sessionIndex: string;
  /** The ID of the LogoutRequest sent to it, once sent. */
  readonly requestId?: string;
  readonly outcome?: 'success' | 'failure';
}

/** Who started a Single Logout: an SP's LogoutRequest (answered with a LogoutResponse), or the IdP itself (OIDC logout, the hosted sign-out). */
export type LogoutInitiator =
  | { readonly kind: 'sp'; readonly spId: string; readonly requestId: string; readonly relayState?: string; readonly binding: 'redirect' | 'post' }
  | { readonly kind: 'idp'; readonly returnTo?: string };

/** A Single Logout in progress: who asked, and the SAML participants the browser visits (all at once, each in a frame). */
export interface LogoutExchange {
  readonly tenant: string;
  readonly id: string;
  readonly initiator: LogoutInitiator;
  /** The user whose session ended, for the audit trail. */
  readonly userId?: string;
  readonly legs: readonly LogoutLeg[];
  /** Back-channel (OIDC) participants that did not confirm. */
  readonly backchannelFailures: number;
  readonly expiresAt: number;
}

/** State of SAML exchanges that span several browser round trips (Sessions table, with TTL). */
export interface SamlExchanges {
  /** Opens the sign-in the login pages will run (the same transaction item they read). */
  openLogin(tenant: string, id: string, request: SamlLoginRequest, options: { returnTo: string; expiresAt: number; forceLogin: boolean; clientOrigin: string; now: number }): Promise<void>;
  findLogin(tenant: string, id: string, now: number): Promise<{ request: SamlLoginRequest; createdAt: number } | undefined>;
  closeLogin(tenant: string, id: string): Promise<void>;
  saveLogout(exchange: LogoutExchange): Promise<void>;
  findLogout(tenant: string, id: string, now: number): Promise<LogoutExchange | undefined>;
  /** Records the LogoutRequest sent to one participant; false when the exchange is over or that participant has answered. */
  markLegSent(tenant: string, id: string, leg: number, spId: string, requestId: string): Promise<boolean>;
  /** Records a participant's answer to the request sent to it; false when it answered already or the exchange is over. */
  recordLegOutcome(tenant: string, id: string, leg: number, requestId: string, outcome: 'success' | 'failure'): Promise<boolean>;
  /** Ends the exchange and returns it as it stood: only one caller gets it. */
  closeLogout(tenant: string, id: string, now: number): Promise<LogoutExchange | undefined>;
}
