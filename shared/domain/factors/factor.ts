/**
 * A factor a user has enrolled. Secrets are sealed (TOTP) or hashed (recovery codes); neither is
 * ever returned. A passkey holds only its public key.
 */
export type Factor = TotpFactor | RecoveryCodesFactor | PasskeyFactor | SecurityQuestionsFactor;

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

export interface PasskeyFactor extends FactorBase {
  readonly kind: 'webauthn';
  /** The credential's id (base64url), as the authenticator reports it. */
  readonly credentialId: string;
  /** The COSE public key (base64url). */
  readonly publicKey: string;
  /** The authenticator's signature counter: a clone shows itself by going backwards (WebAuthn §6.1.1). */
  readonly counter: number;
  readonly transports: readonly string[];
  /** Synced passkeys (`multiDevice`) live in a password manager; `singleDevice` ones on one authenticator. */
  readonly deviceType: 'singleDevice' | 'multiDevice';
  readonly backedUp: boolean;
  readonly aaguid: string;
}

/** Answers to security questions, each kept only as an argon2id hash of its normalized form. */
export interface SecurityQuestionsFactor extends FactorBase {
  readonly kind: 'security_questions';
  readonly answers: ReadonlyArray<{ readonly question: string; readonly hash: string }>;
}

/** A user has at most one authenticator app and one set of recovery codes, but any number of passkeys. */
export const factorSlot = (factor: Pick<Factor, 'kind' | 'id'>) => (factor.kind === 'webauthn' ? `webauthn#${factor.id}` : factor.kind);

export const passkeysOf = (factors: readonly Factor[]) => factors.filter((f): f is PasskeyFactor => f.kind === 'webauthn');

/** What an administrator or the user sees of a factor. */
export const factorView = (factor: Factor) => ({
  id: factor.id,
  kind: factor.kind,
  label: factor.label,
  createdAt: factor.createdAt,
  ...(factor.lastUsedAt ? { lastUsedAt: factor.lastUsedAt } : {}),
  ...(factor.kind === 'recovery_codes' ? { remaining: Object.keys(factor.codes).length } : {}),
  ...(factor.kind === 'security_questions' ? { questions: factor.answers.map((a) => a.question) } : {}),
  ...(factor.kind === 'webauthn' ? { deviceType: factor.deviceType, backedUp: factor.backedUp, transports: factor.transports } : {}),
});
