/** What a replayed request gets back: the first response, as it was sent. */
export interface StoredResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'in_progress' }
  | { readonly state: 'completed'; readonly response: StoredResponse }
  /** The key was used before for a different request. */
  | { readonly state: 'mismatch' };

/**
 * Idempotency keys of creating requests (draft-ietf-httpapi-idempotency-key-header): the first
 * request with a key claims it; a repeat gets the first response back; the same key with
 * another request is refused. Keys are scoped to the tenant and the caller.
 */
export interface IdempotencyStore {
  claim(scope: string, key: string, fingerprint: string, now: number, expiresAt: number): Promise<IdempotencyClaim>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Releases a claim whose request failed, so it can be tried again. */
  release(scope: string, key: string): Promise<void>;
}
