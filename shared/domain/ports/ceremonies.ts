import type { UpstreamSession } from './session-store.ts';

/**
 * A short, single-use exchange with the browser that must remember something between two
 * requests before the user is fully known or signed in: a passkey challenge, or a TOTP seed
 * offered for enrolment. Held server-side (Sessions table, TTL) under a random id.
 */
export interface Ceremony {
  readonly id: string;
  readonly tenant: string;
  readonly purpose: 'passkey-sign-in' | 'passkey-registration' | 'totp-enrolment' | 'federated-sign-in' | 'federated-link' | 'federated-logout' | 'federated-logout-handoff' | 'console-sign-in';
  /** The user the ceremony is for, when known (registration and enrolment). */
  readonly userId?: string;
  /** A WebAuthn challenge (base64url). */
  readonly challenge?: string;
  /** A TOTP seed offered for enrolment, sealed by the vault under (tenant, totp-seed, factorId). */
  readonly pendingTotp?: { readonly factorId: string; readonly sealedSecret: string };
  /**
   * A sign-in sent to an upstream identity provider: which, what its answer must match (an OpenID
   * Provider's nonce and PKCE verifier; a SAML AuthnRequest's ID), the hash of the browser-binding
   * cookie it must come back with, and where to go after.
   */
  readonly federation?: {
    readonly idpId: string;
    readonly browserBinding: string;
    readonly nonce?: string;
    readonly codeVerifier?: string;
    readonly requestId?: string;
    readonly transaction?: string;
    readonly returnTo?: string;
  };
  /** An upstream identity waiting to be linked to `userId` once that user signs in locally (provisioning `link_after_local_sign_in`). */
  readonly pendingLink?: { readonly idpId: string; readonly subject: string; readonly email?: string; readonly browserBinding: string };
  /** A sign-out that went on to an upstream provider: which, the LogoutRequest's ID (SAML) its answer must name, and where the browser goes after. */
  readonly logout?: { readonly idpId: string; readonly requestId?: string; readonly next?: string };
  /** A session ended by another function (OIDC logout, SAML SLO) whose upstream provider the login function signs out of next, then the browser goes to `next`. */
  readonly handoff?: { readonly upstream: UpstreamSession; readonly userId: string; readonly next: string };
  /** The console's sign-in at its own tenant: the nonce and PKCE verifier the answer must match. */
  readonly consoleSignIn?: { readonly nonce: string; readonly codeVerifier: string };
  /** Wrong answers so far, for a ceremony that lets the user try again (an app's first code). */
  readonly attempts?: number;
  readonly expiresAt: number;
}

export interface Ceremonies {
  start(ceremony: Ceremony): Promise<void>;
  /** Ends the ceremony and returns it, once: a second take (or one after expiry or at another tenant) finds nothing. */
  take(tenant: string, id: string, purpose: Ceremony['purpose'], now: number): Promise<Ceremony | undefined>;
}
