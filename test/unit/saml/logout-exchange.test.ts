import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionParticipant } from '../../../shared/domain/ports/session-participants.ts';
import { logoutExchangeLifetimeMs, logoutOutcome, openLogoutExchange } from '../../../shared/domain/saml/logout-exchange.ts';

const participant = (spId: string | undefined): SessionParticipant => ({
  tenant: 't1', sid: 's1', clientId: spId ? `saml:${spId}` : 'oidc-client', userId: 'u1', expiresAt: 0,
  ...(spId ? { saml: { spId, nameId: `name-${spId}`, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient', sessionIndex: 's1' } } : { backchannelLogoutUri: 'https://rp.example/bc' }),
});

test('an exchange visits every SAML participant but the SP that asked; OIDC clients are not legs', () => {
  const exchange = openLogoutExchange({
    tenant: 't1', id: 'x', now: 1_000, backchannelFailures: 0,
    initiator: { kind: 'sp', spId: 'a', requestId: 'r1', binding: 'redirect' },
    participants: [participant('a'), participant('b'), participant(undefined), participant('c')],
  });
  assert.deepEqual(exchange.legs.map((l) => [l.spId, l.nameId]), [['b', 'name-b'], ['c', 'name-c']]);
  assert.equal(exchange.userId, 'u1');
  assert.equal(exchange.expiresAt, 1_000 + logoutExchangeLifetimeMs);
  const fromIdp = openLogoutExchange({ tenant: 't1', id: 'x', now: 0, backchannelFailures: 0, initiator: { kind: 'idp' }, participants: [participant('a'), participant('b')] });
  assert.equal(fromIdp.legs.length, 2, 'the IdP itself asked: everyone is visited');
});

test('the outcome is partial when any participant failed, never answered, or a back-channel client failed', () => {
  const base = openLogoutExchange({ tenant: 't1', id: 'x', now: 0, backchannelFailures: 0, initiator: { kind: 'idp' }, participants: [participant('a'), participant('b')] });
  const answered = (outcomes: Array<'success' | 'failure' | undefined>) => ({ ...base, legs: base.legs.map((l, i) => ({ ...l, requestId: 'r', ...(outcomes[i] ? { outcome: outcomes[i] } : {}) })) });
  assert.deepEqual(logoutOutcome(answered(['success', 'success'])), { partial: false, legs: [{ spId: 'a', result: 'success' }, { spId: 'b', result: 'success' }] });
  assert.equal(logoutOutcome(answered(['success', 'failure'])).partial, true);
  assert.deepEqual(logoutOutcome(answered(['success', undefined])).legs[1], { spId: 'b', result: 'no_answer' });
  assert.equal(logoutOutcome(answered(['success', undefined])).partial, true);
  assert.equal(logoutOutcome({ ...answered(['success', 'success']), backchannelFailures: 1 }).partial, true);
});
