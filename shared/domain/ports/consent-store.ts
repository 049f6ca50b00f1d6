import type { AuditEvent } from '../audit/event.ts';
import type { PurposeDecision } from '../consent/purpose-consent.ts';

/** What a user allowed a client: the scopes (and claims asked for by name, as `claim:<name>`), remembered until withdrawn. */
export interface StoredConsent {
  readonly tenant: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly grantedAt: string;
  /** The application's consent purposes as the user answered them. */
  readonly purposes?: readonly PurposeDecision[];
  /** Claims left out of this application's tokens, UserInfo and assertions (declined purposes), kept here so each token costs one read. */
  readonly withheldClaims?: readonly string[];
  /** The consent receipt of the latest decision. */
  readonly receiptId?: string;
  /** Set when the user withdrew consent: the application gets nothing but `sub` until they consent again. */
  readonly withdrawnAt?: string;
}

/** A signed consent receipt (Kantara CR v1.1 as a JWT), kept for the user and their administrators. */
export interface StoredReceipt {
  readonly tenant: string;
  readonly userId: string;
  readonly id: string;
  readonly clientId: string;
  readonly jwt: string;
  readonly issuedAt: string;
}

export interface ConsentStore {
  find(tenant: string, userId: string, clientId: string): Promise<StoredConsent | undefined>;
  /** Saves the consent with its events and, for a new decision, its receipt, in one transaction. */
  save(consent: StoredConsent, events: readonly AuditEvent[], receipt?: StoredReceipt): Promise<void>;
  /** The user's consents, one per application. */
  list(tenant: string, userId: string): Promise<StoredConsent[]>;
  receipts(tenant: string, userId: string): Promise<StoredReceipt[]>;
  receipt(tenant: string, userId: string, id: string): Promise<StoredReceipt | undefined>;
}

/** Whether a remembered consent covers every scope asked for now. */
export const consentCovers = (consent: StoredConsent | undefined, scopes: readonly string[]) =>
  consent !== undefined && scopes.every((scope) => consent.scopes.includes(scope));
