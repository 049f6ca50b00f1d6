import type { AuditEvent } from '../audit/event.ts';
import type { AuthorizationRequest, CodeGrant, RefreshFamily } from '../oauth/authorization.ts';

export type CodeRedemption =
  | { readonly status: 'redeemed'; readonly grant: CodeGrant }
  | { readonly status: 'reused'; readonly grant: CodeGrant; readonly familyId?: string; readonly accessJti?: string }
  | { readonly status: 'unknown' };

export type RefreshRotation =
  | { readonly status: 'rotated'; readonly family: RefreshFamily }
  | { readonly status: 'reused'; readonly family: RefreshFamily }
  | { readonly status: 'unknown' };

/** Authorization transactions, codes and refresh-token families (Sessions table), secrets kept as hashes. */
export interface GrantStore {
  openTransaction(tenant: string, id: string, request: AuthorizationRequest, options: { returnTo: string; expiresAt: number; forceLogin: boolean; now: number }): Promise<void>;
  /** The open transaction's request; `accountChosen` once the user answered the account chooser. */
  transactionRequest(tenant: string, id: string, now: number): Promise<{ request: AuthorizationRequest; createdAt: number; accountChosen: boolean } | undefined>;
  closeTransaction(tenant: string, id: string): Promise<void>;

  /** A pushed authorization request (RFC 9126), usable once until it expires. */
  pushRequest(tenant: string, id: string, clientId: string, params: ReadonlyArray<[string, string]>, expiresAt: number): Promise<void>;
  /** Takes the pushed request for its own client only: another client's attempt leaves it in place. */
  takePushedRequest(tenant: string, id: string, clientId: string, now: number): Promise<Array<[string, string]> | undefined>;

  saveCode(codeHash: string, grant: CodeGrant): Promise<void>;
  /**
   * Marks the code used, once, with the id of the access token this redemption issues; a second
   * redemption reports reuse with what the first one issued.
   */
  redeemCode(tenant: string, codeHash: string, now: number, accessJti: string): Promise<CodeRedemption>;
  /** The refresh-token family the code's redemption started, so that a reuse revokes it too. */
  recordCodeFamily(tenant: string, codeHash: string, familyId: string): Promise<void>;

  createFamily(family: RefreshFamily, tokenHash: string, events: readonly AuditEvent[]): Promise<void>;
  /**
   * Swaps the presented token for the next one in its family; a token already rotated away is
   * reuse. `check` runs before the swap: if it throws, the presented token stays valid.
   */
  rotateRefreshToken(
    tenant: string,
    clientId: string,
    presentedHash: string,
    nextHash: string,
    options: { idleExpiresAt: number; now: number; check: (family: RefreshFamily) => Promise<void> },
  ): Promise<RefreshRotation>;
  /** Remembers an access token issued from a family, so revoking the family revokes it too. */
  recordFamilyAccessToken(tenant: string, familyId: string, jti: string, expiresAt: number): Promise<void>;
  /** Revokes the family and deny-lists the access tokens issued from it that have not expired. */
  revokeFamily(tenant: string, familyId: string, events: readonly AuditEvent[]): Promise<void>;
  /** The user's refresh-token families still active (all clients). */
  activeFamiliesOf(tenant: string, userId: string, now: number): Promise<RefreshFamily[]>;
  /** The family a refresh token belongs to, while the token is its current one. */
  findRefreshToken(tenant: string, tokenHash: string, now: number): Promise<RefreshFamily | undefined>;

  /** Records a client assertion's jti until it expires; false when it was seen before (a replay). */
  useAssertionId(tenant: string, clientId: string, jti: string, expiresAt: number): Promise<boolean>;

  denyAccessToken(tenant: string, jti: string, until: number): Promise<void>;
  isAccessTokenDenied(tenant: string, jti: string): Promise<boolean>;
}
