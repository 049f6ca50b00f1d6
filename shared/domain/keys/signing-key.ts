/** Signing algorithms tenants' keys are made for: ES256 for JWTs by default, RS256 for SAML and clients that ask. */
export type SigningAlgorithm = 'ES256' | 'RS256';
export const signingAlgorithms: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

/**
 * A key's place in its life (ARCHITECTURE §6): published before it signs (`next`),
 * signing (`active`), published after it stopped signing (`retired`), then removed.
 */
export type KeyState = 'next' | 'active' | 'retired';

/** One key's entry in its tenant's keyring for an algorithm. Times are epoch milliseconds. */
export interface KeyEntry {
  readonly kid: string;
  readonly state: KeyState;
  readonly createdAt: number;
  readonly activatedAt?: number;
  readonly retiredAt?: number;
}

/** All keys of one tenant and algorithm, with a version that guards concurrent rotations. */
export interface Keyring {
  readonly alg: SigningAlgorithm;
  readonly version: number;
  readonly entries: readonly KeyEntry[];
}

/** A key's material as stored: the public JWK, the certificate (RS256) and the sealed private key. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly createdAt: number;
  readonly publicJwk: Readonly<Record<string, string>>;
  readonly certificatePem?: string;
  readonly sealedPrivateKey: string;
}

export interface RotationPolicy {
  /** How long a key signs before the next one takes over. */
  readonly activeForMs: number;
  /** How long a next key must have been published before it may sign (relying parties' cache time). */
  readonly prepublishForMs: number;
  /** How long a retired key stays published, so what it signed still verifies. */
  readonly retainRetiredForMs: number;
}

const day = 86_400_000;

/** JWT keys rotate monthly; SAML certificates yearly, with a month's overlap for service providers. */
export const defaultRotationPolicies: Readonly<Record<SigningAlgorithm, RotationPolicy>> = {
  ES256: { activeForMs: 30 * day, prepublishForMs: 1 * day, retainRetiredForMs: 7 * day },
  RS256: { activeForMs: 365 * day, prepublishForMs: 30 * day, retainRetiredForMs: 30 * day },
};

/** The keys relying parties should know, the signing one first. */
export function publishedEntries(keyring: Keyring | undefined): KeyEntry[] {
  const order: Record<KeyState, number> = { active: 0, next: 1, retired: 2 };
  return [...(keyring?.entries ?? [])].sort((a, b) => order[a.state] - order[b.state] || b.createdAt - a.createdAt);
}

export function activeEntry(keyring: Keyring | undefined): KeyEntry | undefined {
  return keyring?.entries.find((entry) => entry.state === 'active');
}
