/** What an emailed single-use link lets its holder do. */
export type ActionPurpose = 'password-reset' | 'invitation' | 'email-verification';

export interface ActionToken {
  readonly tenant: string;
  readonly userId: string;
  readonly purpose: ActionPurpose;
  readonly expiresAt: number;
}

/** Single-use links (Sessions table, TTL), kept only as the hash of the token the mail carries. */
export interface ActionTokens {
  issue(tokenHash: string, token: ActionToken): Promise<void>;
  /** The token, if it is live and for this purpose, without spending it (a GET a mail scanner may make). */
  peek(tenant: string, tokenHash: string, purposes: readonly ActionPurpose[], now: number): Promise<ActionToken | undefined>;
  /** Spends the token, once: a second use (or a use after expiry) finds nothing. */
  consume(tenant: string, tokenHash: string, purposes: readonly ActionPurpose[], now: number): Promise<ActionToken | undefined>;
}
