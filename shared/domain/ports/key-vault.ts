/**
 * Envelope encryption for secrets the platform must read back (ARCHITECTURE §6).
 * The context is bound into the ciphertext: a value sealed for one tenant, purpose
 * or record cannot be opened under another.
 */
export interface EncryptionContext {
  readonly tenant: string;
  readonly purpose: string;
  readonly recordId: string;
}

export interface KeyVault {
  seal(plaintext: Uint8Array, context: EncryptionContext): Promise<string>;
  open(sealed: string, context: EncryptionContext): Promise<Uint8Array>;
  /** Resolves when the key service answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}

/** The sealed value was altered, or is being opened under another context. */
export class SealedValueRejected extends Error {
  override name = 'SealedValueRejected';
}

/** The key service could not be reached; nothing can be sealed or opened cold. */
export class KeyServiceUnavailable extends Error {
  override name = 'KeyServiceUnavailable';
}
