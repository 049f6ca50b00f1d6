import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson, digestPayloads, eventHash, eventsPerPart, sealingOverdue, sha256, verifyTrail, type CheckedDigest, type DigestPayload } from '../../../shared/domain/audit/digest.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';

const hour = 3_600_000;
const event = (i: number, start = 0) => createAuditEvent({ tenant: 't', type: 'signin.success', actor: { kind: 'user', id: 'u' }, outcome: 'success', details: { i }, time: new Date(start + i * 1000) });

/** Digests as the job chains them: each names the previous one's hash (the "JWS" here is its JSON). */
function chain(payloads: Omit<DigestPayload, 'previous'>[]): CheckedDigest[] {
  const out: CheckedDigest[] = [];
  for (const p of payloads) {
    const payload = { ...p, previous: out.length ? sha256(out.at(-1)!.jws) : null };
    out.push({ jws: JSON.stringify(payload), payload, signature: 'valid' });
  }
  return out;
}

describe('audit digests', () => {
  test('canonical JSON sorts keys at every level and drops undefined; the event hash follows it', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    const e = event(1);
    assert.equal(eventHash(e), eventHash(Object.fromEntries(Object.entries(e).reverse()) as typeof e), 'key order does not matter');
    assert.notEqual(eventHash(e), eventHash({ ...e, outcome: 'failure' }));
  });

  test('a busy hour is split into parts that say whether more follow; an empty hour still gets its digest', () => {
    const many = Array.from({ length: eventsPerPart + 1 }, (_, i) => event(i));
    const parts = digestPayloads('t', 0, many);
    assert.deepEqual(parts.map((p) => [p.part, p.more, p.events.length]), [[0, true, eventsPerPart], [1, false, 1]]);
    assert.deepEqual(digestPayloads('t', hour, []).map((p) => [p.periodStart, p.periodEnd, p.events.length]), [['1970-01-01T01:00:00.000Z', '1970-01-01T02:00:00.000Z', 0]]);
  });

  test('an intact chain over parts and hours verifies; a part missing from the middle is named', () => {
    const first = Array.from({ length: eventsPerPart + 2 }, (_, i) => event(i));
    const second = [event(1, hour)];
    const digests = chain([...digestPayloads('t', 0, first), ...digestPayloads('t', hour, second)]);
    const eventsOf = (period: string) => (period === '1970-01-01T00:00:00.000Z' ? first : second);
    assert.deepEqual(verifyTrail(digests, undefined, eventsOf), []);
    const withoutPart = [digests[0]!, digests[2]!];
    const problems = verifyTrail(withoutPart, undefined, eventsOf).map((p) => p.kind);
    assert.ok(problems.includes('chain_broken') && problems.includes('digest_missing') && problems.includes('unlisted'));
  });

  test('the end of the trail is overdue when sealing is more than an hour behind the grace period', () => {
    const now = Date.parse('2026-12-01T14:30:00Z');
    assert.equal(sealingOverdue('2026-12-01T14:00:00.000Z', undefined, now), undefined, 'sealed through the last closed hour');
    assert.equal(sealingOverdue('2026-12-01T13:00:00.000Z', undefined, now), undefined, 'one hour of slack for a late run');
    assert.equal(sealingOverdue('2026-12-01T12:00:00.000Z', undefined, now), '2026-12-01T12:00:00.000Z');
    assert.equal(sealingOverdue(undefined, '2026-12-01T09:12:00.000Z', now), '2026-12-01T09:00:00.000Z', 'old events and no digest at all');
    assert.equal(sealingOverdue(undefined, '2026-12-01T14:10:00.000Z', now), undefined, 'a new tenant');
  });
});
