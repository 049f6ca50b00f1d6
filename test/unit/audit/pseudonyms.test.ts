import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { canonicalJson } from '../../../shared/domain/audit/digest.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { hashedForm, isPseudonym, namesPerson, pseudonymized, pseudonymOf } from '../../../shared/domain/audit/pseudonyms.ts';

const who = { id: '7f0c2a34-5b8e-4c1d-9a6f-2e3d4c5b6a70', exact: ['ann'], contained: ['ann@x.io', '+447700900123'] };
const key = randomBytes(32);

describe('pseudonyms for erased people', () => {
  test('what names a person: the id anywhere, names whole, addresses as whole words only', () => {
    const named = ['ann@x.io', 'LOGIN#ann@x.io', 'Ann@X.io', 'mail to ann@x.io.', 'tel:+447700900123', 'ANN', `USER#${who.id}`];
    const notNamed = ['joann@x.io', 'ann@x.iot', '+4477009001234', 'anna', 'signin.success'];
    for (const value of named) assert.equal(namesPerson(value, who), true, value);
    for (const value of notNamed) assert.equal(namesPerson(value, who), false, value);
  });

  test('one person, one pseudonym per tenant; a pseudonym stays itself', () => {
    const p = pseudonymOf(key, 't1', who.id);
    assert.ok(isPseudonym(p));
    assert.equal(pseudonymOf(key, 't1', who.id), p);
    assert.notEqual(pseudonymOf(key, 't2', who.id), p, 'unlinkable across tenants');
    assert.equal(pseudonymOf(key, 't1', p), p);
  });

  test('an event rewritten under pseudonyms keeps what happened and when, and hashes exactly as before', () => {
    const event = createAuditEvent({ tenant: 't1', type: 'user.deleted', actor: { kind: 'user', id: who.id }, subject: who.id, clientIp: '203.0.113.9', userAgent: 'Firefox', outcome: 'success', details: { userName: 'ann', email: 'ann@x.io', groups: ['staff'], attempts: 2 } });
    const erased = pseudonymized(key, event, who);
    assert.deepEqual([erased.id, erased.type, erased.time, erased.outcome, erased.tenant], [event.id, event.type, event.time, event.outcome, event.tenant]);
    assert.ok(isPseudonym(erased.subject!) && erased.actor.id === erased.subject);
    assert.ok(isPseudonym(erased.clientIp!) && isPseudonym(erased.userAgent!), 'where and how they acted from');
    assert.deepEqual([erased.details.groups, erased.details.attempts], [['staff'], 2], 'what does not name them stays');
    assert.doesNotMatch(JSON.stringify(erased), /ann|7f0c2a34|203\.0\.113\.9/i);
    assert.equal(canonicalJson(hashedForm(key, erased)), canonicalJson(hashedForm(key, event)));
    assert.notEqual(canonicalJson(hashedForm(key, { ...erased, details: { ...erased.details, attempts: 3 } })), canonicalJson(hashedForm(key, event)), 'any other change shows');
  });
});
