/** A second factor a user has enrolled. Secrets are sealed (TOTP) or hashed (recovery codes); neither is ever returned. */
export type Factor = TotpFactor | RecoveryCodesFactor;

interface FactorBase {
  readonly id: string;
  readonly tenant: string;
  readonly userId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
}

export interface TotpFactor extends FactorBase {
  readonly kind: 'totp';
  /** The base32 seed, sealed by the vault under (tenant, totp-seed, factor id). */
  readonly sealedSecret: string;
  /** The last time step a code was accepted for: a code is good once (RFC 6238 §5.2). */
  readonly lastTimeStep?: number;
}

export interface RecoveryCodesFactor extends FactorBase {
  readonly kind: 'recovery_codes';
  /** Unused codes: lookup id (the code's first four characters) → argon2id hash of the rest. */
  readonly codes: Readonly<Record<string, string>>;
}

/** What an administrator or the user sees of a factor. */
export const factorView = (factor: Factor) => ({
  id: factor.id,
  kind: factor.kind,
  label: factor.label,
  createdAt: factor.createdAt,
  ...(factor.lastUsedAt ? { lastUsedAt: factor.lastUsedAt } : {}),
  ...(factor.kind === 'recovery_codes' ? { remaining: Object.keys(factor.codes).length } : {}),
});
