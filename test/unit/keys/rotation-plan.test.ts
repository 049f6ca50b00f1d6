import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planRotation } from '../../../shared/domain/keys/rotation-plan.ts';
import type { KeyEntry, RotationPolicy } from '../../../shared/domain/keys/signing-key.ts';

const day = 86_400_000;
const policy: RotationPolicy = { activeForMs: 30 * day, prepublishForMs: 1 * day, retainRetiredForMs: 7 * day };
const entry = (kid: string, state: KeyEntry['state'], createdAt: number, extra: Partial<KeyEntry> = {}): KeyEntry => ({ kid, state, createdAt, ...extra });
const states = (entries: readonly KeyEntry[]) => Object.fromEntries(entries.map((e) => [e.kid, e.state]));

describe('planning a keyring rotation', () => {
  test('an empty keyring gets an active key and a next key', () => {
    const plan = planRotation([], policy, 0)!;
    assert.deepEqual(plan.create, ['active', 'next']);
    assert.deepEqual(plan.entries, []);
  });

  test('nothing is due while the active key serves its time and a next key is published', () => {
    const entries = [entry('a', 'active', 0, { activatedAt: 0 }), entry('b', 'next', 0)];
    for (const now of [0, day, 30 * day - 1]) assert.equal(planRotation(entries, policy, now), undefined, `at ${now / day} days`);
  });

  test('when the active key has served its time, the next key signs and the old one is retired', () => {
    const entries = [entry('a', 'active', 0, { activatedAt: 0 }), entry('b', 'next', 0)];
    const plan = planRotation(entries, policy, 30 * day)!;
    assert.deepEqual(states(plan.entries), { a: 'retired', b: 'active' });
    assert.equal(plan.entries.find((e) => e.kid === 'b')!.activatedAt, 30 * day);
    assert.equal(plan.entries.find((e) => e.kid === 'a')!.retiredAt, 30 * day);
    assert.deepEqual(plan.create, ['next']);
    assert.equal(plan.activated?.kid, 'b');
    assert.equal(plan.retired?.kid, 'a');
  });

  test('a next key published for less than the prepublish time does not sign yet', () => {
    const entries = [entry('a', 'active', 0, { activatedAt: 0 }), entry('b', 'next', 30 * day - day / 2)];
    assert.equal(planRotation(entries, policy, 30 * day), undefined);
    assert.ok(planRotation(entries, policy, 31 * day)?.activated);
  });

  test('a missing next key is created without touching the active one', () => {
    const plan = planRotation([entry('a', 'active', 0, { activatedAt: 0 })], policy, 5 * day)!;
    assert.deepEqual(plan.create, ['next']);
    assert.deepEqual(states(plan.entries), { a: 'active' });
  });

  test('a keyring with only a next key promotes it rather than minting an unpublished key', () => {
    const plan = planRotation([entry('b', 'next', 0)], policy, day)!;
    assert.deepEqual(states(plan.entries), { b: 'active' });
    assert.deepEqual(plan.create, ['next']);
  });

  test('retired keys are removed after the retention period, not before', () => {
    const entries = [entry('a', 'retired', 0, { activatedAt: 0, retiredAt: 30 * day }), entry('b', 'active', 0, { activatedAt: 30 * day }), entry('c', 'next', 30 * day)];
    assert.equal(planRotation(entries, policy, 37 * day - 1), undefined);
    const plan = planRotation(entries, policy, 37 * day)!;
    assert.deepEqual(plan.removed.map((e) => e.kid), ['a']);
    assert.deepEqual(states(plan.entries), { b: 'active', c: 'next' });
    assert.deepEqual(plan.create, []);
  });

  test('forcing rotates at once, even a freshly published next key', () => {
    const entries = [entry('a', 'active', 0, { activatedAt: 0 }), entry('b', 'next', 0)];
    const plan = planRotation(entries, policy, 60_000, true)!;
    assert.deepEqual(states(plan.entries), { a: 'retired', b: 'active' });
    assert.deepEqual(plan.create, ['next']);
  });

  test('planning again on the result at the same instant finds nothing to do', () => {
    let entries: KeyEntry[] = [entry('a', 'active', 0, { activatedAt: 0 }), entry('b', 'next', 0)];
    const plan = planRotation(entries, policy, 30 * day)!;
    entries = [...plan.entries, entry('c', 'next', 30 * day)];
    assert.equal(planRotation(entries, policy, 30 * day), undefined);
  });

  test('there is never more than one active key, whatever the clock does', () => {
    let entries: KeyEntry[] = [];
    let n = 0;
    for (let now = 0; now < 400 * day; now += 3 * day) {
      const plan = planRotation(entries, policy, now, now % (21 * day) === 0);
      if (!plan) continue;
      entries = [...plan.entries, ...plan.create.map((state) => entry(`k${n++}`, state, now, state === 'active' ? { activatedAt: now } : {}))];
      assert.equal(entries.filter((e) => e.state === 'active').length, 1);
      assert.equal(entries.filter((e) => e.state === 'next').length, 1);
      assert.ok(entries.length <= 5);
    }
  });
});
