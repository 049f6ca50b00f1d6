import type { KeyEntry, RotationPolicy } from './signing-key.ts';

/** What a rotation does to one keyring: its entries after the change, keys to create, keys to remove. */
export interface RotationPlan {
  readonly entries: readonly KeyEntry[];
  readonly create: ReadonlyArray<'active' | 'next'>;
  readonly removed: readonly KeyEntry[];
  readonly activated?: KeyEntry;
  readonly retired?: KeyEntry;
}

/**
 * Plans one keyring's rotation at `now`; undefined when nothing is due. Pure and
 * idempotent: planning again on the result at the same instant finds nothing to do.
 * `force` makes the next key sign now (on-demand rotation, e.g. after a suspected leak).
 */
export function planRotation(entries: readonly KeyEntry[], policy: RotationPolicy, now: number, force = false): RotationPlan | undefined {
  const removed = entries.filter((e) => e.state === 'retired' && (e.retiredAt ?? 0) + policy.retainRetiredForMs <= now);
  let kept = entries.filter((e) => !removed.includes(e));
  const create: Array<'active' | 'next'> = [];
  let activated: KeyEntry | undefined;
  let retired: KeyEntry | undefined;

  const active = kept.find((e) => e.state === 'active');
  const next = kept.find((e) => e.state === 'next');
  const replace = (from: KeyEntry, to: KeyEntry) => (kept = kept.map((e) => (e === from ? to : e)));

  if (!active) {
    if (next) replace(next, (activated = { ...next, state: 'active', activatedAt: now }));
    else create.push('active');
  } else {
    const due = force || now >= (active.activatedAt ?? active.createdAt) + policy.activeForMs;
    const nextReady = next !== undefined && (force || now >= next.createdAt + policy.prepublishForMs);
    if (due && nextReady) {
      replace(active, (retired = { ...active, state: 'retired', retiredAt: now }));
      replace(next, (activated = { ...next, state: 'active', activatedAt: now }));
    }
  }
  if (!kept.some((e) => e.state === 'next')) create.push('next');

  if (create.length === 0 && removed.length === 0 && !activated) return undefined;
  return { entries: kept, create, removed, ...(activated ? { activated } : {}), ...(retired ? { retired } : {}) };
}
