import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';
import { eventually } from '../../support/wait.ts';
import { portsFromEnvironment } from '../../../shared/adapters/platform-ports.ts';
import { counterChange } from '../../../shared/domain/audit/counters.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';

before(useSharedRuntimeEnvironment);

interface Event { id: string; type: string; time: string; outcome: string; subject?: string; actor: { kind: string; id?: string }; userAgent?: string; details: Record<string, unknown> }
interface EventPage { items: Event[]; next_cursor?: string }

/** A password sign-in at the hosted login, as a browser with this user agent. */
async function signIn(api: AdminApi, password: string, userAgent = 'audit-test') {
  const browser = webClient(sharedRuntime.url);
  const page = await browser.get(`/t/${api.tenant.slug}/login`, { 'user-agent': userAgent });
  return browser.postForm(`/t/${api.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: api.tenant.adminEmail, password }, { 'user-agent': userAgent });
}

let api: AdminApi;
let adminId: string;
before(async () => {
  api = await adminApi();
  assert.equal((await signIn(api, api.tenant.adminPassword)).status, 200);
  assert.equal((await signIn(api, 'wrong password one', '=HYPERLINK("https://evil.example","click")')).status, 401);
  assert.equal((await signIn(api, 'wrong password two')).status, 401);
  const users = (await api.call('GET', '/users')).json<{ items: Array<{ id: string; emails: Array<{ value: string }> }> }>();
  adminId = users.items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!.id;
});

const search = async (query: string) => {
  const res = await api.call('GET', `/audit/events${query}`);
  assert.equal(res.status, 200, res.body);
  return res.json<EventPage>();
};

describe('stored daily counters (analytics from the audit stream)', () => {
  test('the consumer counts each event once: sign-ins, failures, authenticators, tokens, sessions and active users', async () => {
    const today = new Date().toISOString().slice(0, 10);
    type Daily = { days: Array<{ date: string; counters: Record<string, number> }>; months: Array<{ month: string; activeUsers: number }>; openSessions: number };
    const daily = async () => (await api.call('GET', '/audit/daily')).json<Daily>();
    const counted = await eventually('the counters of today', async () => {
      const result = await daily();
      const day = result.days.find((d) => d.date === today);
      // Each event is counted by the consumer on its own, active users just after its counters: wait for all of them.
      const month = result.months.find((m) => m.month === today.slice(0, 7));
      const settled = day && day.counters.signins_success === 1 && day.counters.signins_failure === 2 && day.counters.active_users !== undefined && day.counters.sessions_started !== undefined && month?.activeUsers !== undefined;
      return settled ? result : undefined;
    });
    const day = counted.days.find((d) => d.date === today)!.counters;
    assert.equal(day.auth_password, 1);
    assert.equal(day.active_users, 1);
    assert.ok(day.grant_client_credentials! >= 1);
    assert.equal(day.sessions_started, 1);
    assert.equal(counted.openSessions, 1, 'the session of the successful sign-in');
    assert.equal(counted.months.find((m) => m.month === today.slice(0, 7))?.activeUsers, 1);

    // The same event again (an at-least-once redelivery) changes nothing.
    const [success] = (await search('?type=signin.success')).items;
    const ports = portsFromEnvironment();
    const change = counterChange(success as unknown as AuditEvent)!;
    assert.equal(await ports.auditCounters.apply(api.tenant.slug, success!.id, change), false);
    assert.equal((await daily()).days.find((d) => d.date === today)!.counters.signins_success, 1);
    assert.equal((await api.call('GET', '/audit/daily?from=2026-12-01&to=2024-01-01')).status, 400);
  });
});

describe('audit trail search and export (admin API)', () => {
  test('newest first; filters by type, subject, outcome and application', async () => {
    const all = await search('?limit=200');
    const times = all.items.map((e) => e.time);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.ok(all.items.some((e) => e.type === 'signin.success'));

    const failures = await search('?type=signin.failure');
    assert.equal(failures.items.length, 2);
    assert.ok(failures.items.every((e) => e.type === 'signin.failure' && e.outcome === 'failure'));

    const ofAdmin = await search(`?subject=${adminId}&limit=200`);
    assert.ok(ofAdmin.items.length >= 3 && ofAdmin.items.every((e) => e.subject === adminId));
    assert.equal((await search(`?subject=${adminId}&type=signin.success`)).items.length, 1, 'subject and type together');
    assert.ok((await search('?outcome=failure&limit=200')).items.every((e) => e.outcome === 'failure'));

    const byManagementClient = await search(`?application=${api.tenant.clientId}&limit=200`);
    assert.ok(byManagementClient.items.some((e) => e.type === 'token.issued'), 'client-credentials tokens of the management client');
    assert.ok(byManagementClient.items.every((e) => e.actor.id === api.tenant.clientId || e.details.clientId === api.tenant.clientId));
    assert.equal((await search('?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).items.length, 0, 'another period');

    // Who did it: the management client's own actions, not those done to it.
    const actedByClient = await search(`?actor=${api.tenant.clientId}&limit=200`);
    assert.ok(actedByClient.items.length > 0 && actedByClient.items.every((e) => e.actor.id === api.tenant.clientId));
    const actedByAdmin = await search(`?actor=${adminId}&type=signin.success&limit=200`);
    assert.ok(actedByAdmin.items.every((e) => e.actor.id === adminId && e.type === 'signin.success'));
    assert.equal((await search('?actor=nobody-at-all')).items.length, 0);
  });

  test('cursor paging walks every event once; a cursor of another search or tenant is refused', async () => {
    const everything = (await search('?limit=200')).items.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, everything);

    const typed = await search('?type=signin.failure&limit=1');
    assert.ok(typed.next_cursor);
    const other = await adminApi();
    for (const [who, path] of [
      ['another tenant', `/audit/events?type=signin.failure&limit=1&cursor=${typed.next_cursor}`],
      ['another search', `/audit/events?subject=${adminId}&cursor=${typed.next_cursor}`],
      ['a broken cursor', '/audit/events?cursor=not-a-cursor!'],
    ] as const) {
      const res = await (who === 'another tenant' ? other : api).call('GET', path);
      assert.equal(res.status, 400, `${who}: ${res.body}`);
    }
    assert.equal((await other.call('GET', `/audit/events?subject=${adminId}`)).json<EventPage>().items.length, 0, 'another tenant sees none of these events');
  });

  test('CSV export: a header, one row per event, RFC 4180 quoting, and formula-looking cells defused', async () => {
    const res = await api.call('GET', '/audit/events?type=signin.failure&format=csv');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment/);
    // The download itself is on the record: who, which filters, how many.
    const exported = (await api.call('GET', '/audit/events?type=audit.exported')).json<EventPage>().items;
    assert.equal(exported.length, 1);
    assert.equal(exported[0]!.actor.id, api.tenant.clientId);
    assert.deepEqual(exported[0]!.details, { format: 'csv', count: res.body.trimEnd().split('\r\n').length - 1, filters: { type: 'signin.failure' } });
    const lines = res.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,time,type,outcome,actor,subject,clientIp,userAgent,correlationId,details');
    assert.equal(lines.length, 3);
    assert.ok(res.body.includes(`"'=HYPERLINK(""https://evil.example"",""click"")"`), 'the user agent is quoted and cannot run as a formula');
    assert.doesNotMatch(res.body, /,=HYPERLINK/);
  });

  test('hostile or malformed queries answer 400 with the parameter named', async () => {
    for (const [query, field] of [
      ['?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /before/],
      ['?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', /92 days/],
      ['?from=yesterday', /from/],
      ['?type=DROP TABLE', /type/],
      ['?outcome=maybe', /outcome/],
      ['?format=pdf', /format/],
      ['?unknown=1', /unknown/],
      ['?type=signin.failure&type=signin.success', /more than once/],
      ['?limit=1000', /limit/],
      [`?subject=${'x'.repeat(300)}`, /subject/],
      [`?actor=${'x'.repeat(300)}`, /actor/],
      ['?actor=', /actor/],
    ] as const) {
      const res = await api.call('GET', `/audit/events${query}`);
      assert.equal(res.status, 400, `${query}: ${res.body}`);
      assert.match(res.body, field, query);
    }
  });

  test('statistics of the period: sign-ins by outcome and day, authenticators, active users, tokens; read-only tokens may ask', async () => {
    const reader = await adminApi(api.tenant, 'admin:read');
    const res = await reader.call('GET', '/audit/statistics');
    assert.equal(res.status, 200, res.body);
    const stats = res.json<{
      truncated: boolean;
      signIns: { success: number; failure: number; failureRate: number };
      signInsByDay: Array<{ date: string; success: number; failure: number }>;
      failureReasons: Record<string, number>;
      byAuthenticator: Record<string, number>;
      activeUsers: { period: number; byDay: Array<{ date: string; users: number }> };
      tokens: { issued: number; byGrantType: Record<string, number> };
    }>();
    assert.equal(stats.truncated, false);
    assert.deepEqual([stats.signIns.success, stats.signIns.failure], [1, 2]);
    assert.equal(stats.signIns.failureRate, 0.667);
    assert.equal(stats.signInsByDay.at(-1)!.date, new Date().toISOString().slice(0, 10));
    assert.deepEqual([stats.signInsByDay.at(-1)!.success, stats.signInsByDay.at(-1)!.failure], [1, 2]);
    assert.equal(stats.signInsByDay.length, 8, 'seven days back, both ends included');
    assert.equal(stats.byAuthenticator.password, 1);
    assert.equal(stats.activeUsers.period, 1);
    assert.ok(stats.tokens.byGrantType.client_credentials! >= 1);
    assert.equal(Object.values(stats.failureReasons).reduce((a, b) => a + b, 0), 2);
    assert.equal((await reader.call('POST', '/siem-sinks', { name: 'x', kind: 'webhook', url: 'https://siem.example/' })).status, 403, 'read-only tokens change nothing');

    const report = await reader.call('GET', '/audit/statistics?format=html');
    assert.equal(report.status, 200);
    assert.match(String(report.headers['content-type']), /^text\/html/);
    assert.match(report.body, /<h1>Sign-in report: /);
    assert.match(report.body, /<b>66\.7 %<\/b>failure rate/);
    assert.match(report.body, /@media print/);
    assert.match(String(report.headers['content-security-policy']), /default-src 'none'/);
  });
});
