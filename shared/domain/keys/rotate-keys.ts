import type { AuditEventType } from '../audit/catalogue.ts';
import { createAuditEvent, type AuditActor, type AuditEvent } from '../audit/event.ts';
import type { KeyVault } from '../ports/key-vault.ts';
import { createSecureVault } from '../secrets/secure-vault.ts';
import type { SigningKeyStore } from '../ports/signing-key-store.ts';
import { generateKeyMaterial } from './key-material.ts';
import { planRotation } from './rotation-plan.ts';
import {
  defaultRotationPolicies,
  signingAlgorithms,
  type KeyEntry,
  type RotationPolicy,
  type SigningAlgorithm,
  type StoredSigningKey,
} from './signing-key.ts';

export interface RotationDeps {
  readonly store: SigningKeyStore;
  readonly vault: KeyVault;
  readonly policies?: Readonly<Record<SigningAlgorithm, RotationPolicy>>;
  readonly now?: () => number;
}

export interface RotationOptions {
  /** Make the next key sign now, whatever its age (on-demand rotation). */
  readonly force?: boolean;
  readonly algorithms?: readonly SigningAlgorithm[];
  readonly actor?: AuditActor;
}

export type RotationOutcome = { readonly alg: SigningAlgorithm; readonly result: 'unchanged' | 'rotated'; readonly activeKid?: string };

const maxAttempts = 5;

async function newKey(deps: RotationDeps, tenant: string, alg: SigningAlgorithm, policy: RotationPolicy, now: number): Promise<StoredSigningKey> {
  // A certificate outlives every state its key can be in: next, then active, then retired.
  const lifetime = 2 * policy.activeForMs + policy.retainRetiredForMs + 30 * 86_400_000;
  const material = await generateKeyMaterial(alg, {
    commonName: tenant,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + lifetime),
  });
  return {
    kid: material.kid,
    alg,
    createdAt: now,
    publicJwk: material.publicJwk,
    sealedPrivateKey: await createSecureVault(deps.vault).seal('signing-key', tenant, material.kid, material.privateKeyPkcs8),
    ...(material.certificatePem ? { certificatePem: material.certificatePem } : {}),
  };
}

async function rotateKeyring(deps: RotationDeps, tenant: string, alg: SigningAlgorithm, options: RotationOptions): Promise<RotationOutcome> {
  const policy = (deps.policies ?? defaultRotationPolicies)[alg];
  const actor = options.actor ?? { kind: 'system' };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const now = (deps.now ?? Date.now)();
    const { keyrings } = await deps.store.load(tenant);
    const keyring = keyrings[alg];
    const plan = planRotation(keyring?.entries ?? [], policy, now, options.force === true && keyring !== undefined);
    if (!plan) return { alg, result: 'unchanged', activeKid: keyring?.entries.find((e) => e.state === 'active')?.kid };

    const added = await Promise.all(plan.create.map(() => newKey(deps, tenant, alg, policy, now)));
    const createdEntries: KeyEntry[] = plan.create.map((state, i) => ({
      kid: added[i]!.kid,
      state,
      createdAt: now,
      ...(state === 'active' ? { activatedAt: now } : {}),
    }));
    const entries = [...plan.entries, ...createdEntries];
    const event = (type: AuditEventType, kid: string, details: Record<string, unknown> = {}): AuditEvent =>
      createAuditEvent({ tenant, type, actor, subject: `key:${kid}`, outcome: 'success', time: new Date(now), details: { kid, alg, ...details } });
    const events = [
      ...createdEntries.map((e) => event('key.created', e.kid, { state: e.state })),
      ...(plan.activated ? [event('key.activated', plan.activated.kid, { forced: options.force === true })] : []),
      ...(plan.retired ? [event('key.retired', plan.retired.kid)] : []),
      ...plan.removed.map((e) => event('key.removed', e.kid)),
    ];

    const result = await deps.store.commit({
      tenant,
      alg,
      expectedVersion: keyring?.version,
      entries,
      added,
      removedKids: plan.removed.map((e) => e.kid),
      events,
    });
    if (result === 'committed') return { alg, result: 'rotated', activeKid: entries.find((e) => e.state === 'active')?.kid };
    // Another run changed the keyring first: plan again from what it wrote.
  }
  throw new Error(`rotation of ${alg} keys for tenant ${tenant} kept conflicting`);
}

/**
 * Brings a tenant's keyrings up to date at `now`: creates missing keys, promotes the next
 * key when the active one has served its time, retires and removes old ones. Idempotent,
 * and safe when several runs race: each change is guarded by the keyring's version.
 */
export async function rotateTenantKeys(deps: RotationDeps, tenant: string, options: RotationOptions = {}): Promise<RotationOutcome[]> {
  const outcomes: RotationOutcome[] = [];
  for (const alg of options.algorithms ?? signingAlgorithms) outcomes.push(await rotateKeyring(deps, tenant, alg, options));
  return outcomes;
}
