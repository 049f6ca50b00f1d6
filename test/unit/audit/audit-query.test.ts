import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditSearchSchema, csvCell, eventsAsCsv, searchOf } from '../../../shared/domain/audit/audit-query.ts';
import { auditStatistics, reportedTypes, type ReportedType } from '../../../shared/domain/audit/audit-statistics.ts';
import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { counterChange } from '../../../shared/domain/audit/counters.ts';
import { createAuditEvent, type AuditEvent } from '../../../shared/domain/audit/event.ts';

const at = (time: string, type: AuditEventType, subject: string, details: Record<string, unknown> = {}, outcome: 'success' | 'failure' = 'success', actor: AuditEvent['actor'] = { kind: 'user', id: subject }) =>
  createAuditEvent({ tenant: 't', type, actor, subject, outcome, details, time: new Date(time) });

describe('audit search parameters', () => {
  test('the period defaults to the last 7 days; it must run forwards and span at most 92 days', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    assert.deepEqual(searchOf({}, now), { from: '2026-11-24T12:00:00.000Z', to: '2026-12-01T12:00:00.000Z' });
    assert.match(String(searchOf({ from: '2026-12-02T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, now)), /before/);
    assert.match(String(searchOf({ from: '2026-01-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, now)), /92 days/);
    assert.equal(auditSearchSchema.safeParse({ from: '2026-12-01T00:00:00+02:00' }).data?.from, '2026-11-30T22:00:00.000Z', 'offsets are normalised to UTC');
  });

  test('CSV cells: quoted when needed, and never read as a formula', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.ok(csvCell(formula).replace(/^"/, '').startsWith("'"), formula);
    const csv = eventsAsCsv([at('2026-12-01T00:00:00Z', 'signin.failure', 'u1', { reason: 'bad, "password"' }, 'failure')], true);
    assert.equal(csv.split('\r\n').length, 3);
    assert.match(csv, /"\{""reason"":""bad, \\""password\\""""\}"/);
  });
});

describe('sign-in statistics', () => {
  test('counts by outcome, day, authenticator and application; active users are distinct; MFA adoption is sign-ins with a second factor', () => {
    const events = Object.fromEntries(reportedTypes.map((t) => [t, [] as AuditEvent[]])) as Record<ReportedType, AuditEvent[]>;
    events['signin.success'].push(at('2026-11-30T08:00:00Z', 'signin.success', 'u1', { method: 'password' }), at('2026-12-01T08:00:00Z', 'signin.success', 'u1', { method: 'password' }), at('2026-12-01T09:00:00Z', 'signin.success', 'u2', { method: 'password' }));
    events['signin.failure'].push(at('2026-12-01T07:00:00Z', 'signin.failure', 'u2', { reason: 'bad_password' }, 'failure'));
    events['mfa.success'].push(at('2026-12-01T08:00:05Z', 'mfa.success', 'u1', { method: 'totp' }));
    events['token.issued'].push(at('2026-12-01T08:00:06Z', 'token.issued', 'u1', { grantType: 'authorization_code' }, 'success', { kind: 'client', id: 'app-1' }), at('2026-12-01T08:00:07Z', 'token.issued', 'client:m', { grantType: 'client_credentials' }, 'success', { kind: 'client', id: 'm' }));
    events['saml.sso'].push(at('2026-12-01T09:00:01Z', 'saml.sso', 'u2', { spId: 'sp-1' }));
    const stats = auditStatistics(events, '2026-11-30T00:00:00.000Z', '2026-12-01T12:00:00.000Z', false);
    assert.deepEqual(stats.signIns, { success: 3, failure: 1, denied: 0, failureRate: 0.25 });
    assert.deepEqual(stats.signInsByDay, [{ date: '2026-11-30', success: 1, failure: 0 }, { date: '2026-12-01', success: 2, failure: 1 }]);
    assert.deepEqual(stats.failureReasons, { bad_password: 1 });
    assert.deepEqual(stats.byAuthenticator, { password: 3, totp: 1 });
    assert.deepEqual(stats.byApplication, [{ application: 'app-1', signIns: 1 }, { application: 'sp-1', signIns: 1 }]);
    assert.deepEqual(stats.activeUsers, { period: 2, byDay: [{ date: '2026-11-30', users: 1 }, { date: '2026-12-01', users: 2 }] });
    assert.equal(stats.mfa.signInsWithMfa, 1);
    assert.equal(stats.mfa.adoptionRate, 0.333);
    assert.deepEqual(stats.tokens.byGrantType, { authorization_code: 1, client_credentials: 1 });
  });
});

describe('stored counters', () => {
  test('each reported event type adds fixed counters; slugs come from a closed vocabulary; others add nothing', () => {
    const success = at('2026-12-01T08:00:00Z', 'signin.success', 'u1', { method: 'password' });
    assert.deepEqual(counterChange(success), { day: '2026-12-01', month: '2026-12', increments: { signins_success: 1, auth_password: 1 }, activeUser: 'u1' });
    assert.deepEqual(counterChange(at('2026-12-01T08:00:00Z', 'token.issued', 'client:m', { grantType: 'client_credentials' }))?.increments, { tokens_issued: 1, grant_client_credentials: 1 });
    assert.equal(counterChange(at('2026-12-01T08:00:00Z', 'token.issued', 'client:m', { grantType: 'client_credentials' }))?.activeUser, undefined, 'clients are not active users');
    assert.deepEqual(counterChange(at('2026-12-01T08:00:00Z', 'mfa.success', 'u1', { method: 'Robert"); DROP' }))?.increments, { mfa_success: 1, auth_other: 1 });
    assert.equal(counterChange(at('2026-12-01T08:00:00Z', 'session.ended', 'u1', { reason: 'logout' }))?.sessionsDelta, -1);
    assert.equal(counterChange(at('2026-12-01T08:00:00Z', 'group.created', 'g', { name: 'x' })), undefined);
    assert.deepEqual(counterChange(at('2026-12-01T08:00:00Z', 'token.issued', 'u1', { grantType: 'authorization_code' }, 'success', { kind: 'client', id: 'app-1' }))?.increments, { tokens_issued: 1, grant_authorization_code: 1, 'app:app-1': 1 }, 'sign-ins per application');
    assert.deepEqual(counterChange(at('2026-12-01T08:00:00Z', 'saml.sso', 'u1', { spId: 'sp-1' }))?.increments, { saml_sso: 1, 'app:sp-1': 1 });
    assert.equal(counterChange(at('2026-12-01T08:00:00Z', 'saml.sso', '', { spId: 'sp-1' }, 'failure')), undefined);
  });
});
