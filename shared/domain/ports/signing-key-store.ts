import type { AuditEvent } from '../audit/event.ts';
import type { Keyring, KeyEntry, SigningAlgorithm, StoredSigningKey } from '../keys/signing-key.ts';

export interface TenantKeys {
  readonly keyrings: Partial<Record<SigningAlgorithm, Keyring>>;
  readonly keys: ReadonlyMap<string, StoredSigningKey>;
}

export interface KeyringChange {
  readonly tenant: string;
  readonly alg: SigningAlgorithm;
  /** The version read before planning; the change applies only if nobody changed the keyring since. */
  readonly expectedVersion: number | undefined;
  readonly entries: readonly KeyEntry[];
  readonly added: readonly StoredSigningKey[];
  readonly removedKids: readonly string[];
  /** Written in the same transaction as the change. */
  readonly events: readonly AuditEvent[];
}

export interface SigningKeyStore {
  load(tenant: string): Promise<TenantKeys>;
  /** 'conflict' when another rotation changed the keyring first. */
  commit(change: KeyringChange): Promise<'committed' | 'conflict'>;
}
