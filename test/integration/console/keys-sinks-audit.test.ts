import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, intoConsole } from '../../support/console.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { startSiemListener, type SiemListener } from '../../support/siem-listener.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface KeyItem { kid: string; alg: 'ES256' | 'RS256'; state: 'next' | 'active' | 'retired' }
interface Sink { id: string; name: string; kind: string; url: string; eventTypes: string[]; enabled: boolean; version: number }
interface Event { id: string; type: string; time: string; outcome: string; subject?: string; actor: { kind: string; id?: string }; details: Record<string, unknown> }

const listeners: SiemListener[] = [];
const sinks: Array<{ api: AdminApi; id: string }> = [];
async function listener() {
  const l = await startSiemListener();
  listeners.push(l);
  return l;
}
after(async () => {
  // Sinks go before their listeners, so no later event is retried against a closed port.
  for (const { api, id } of sinks) await api.call('DELETE', `/siem-sinks/${id}`);
  await Promise.all(listeners.map((l) => l.close()));
});

const keysOf = async (api: AdminApi) => (await api.call('GET', '/keys')).json<{ items: KeyItem[] }>().items;
const keyIn = (items: KeyItem[], alg: string, state: string) => items.find((k) => k.alg === alg && state === k.state)?.kid;
const noticeOf = (res: WebResponse) => /id="console-notice">([^<]*)</.exec(res.body)?.[1] ?? '';
const alertOf = (res: WebResponse) => (/role="alert" id="console-notice">([^<]*)</.exec(res.body)?.[1] ?? '');
const adminIdOf = async (api: AdminApi) => (await api.call('GET', '/users')).json<{ items: Array<{ id: string; emails: Array<{ value: string }> }> }>().items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!.id;

/** What a receiver does with the signature header: HMAC-SHA256 over "<t>.<raw body>". */
function signedWith(header: string | string[] | undefined, raw: string, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  return match !== null && timingSafeEqual(createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest(), Buffer.from(match[2]!, 'hex'));
}

describe('the console: signing keys', () => {
  test('a rotation is explained first, then makes the published next key sign; the old one stays in the JWKS; the API shows it and the audit trail names the administrator', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const before = await keysOf(api);
    const [active, next, rsActive] = [keyIn(before, 'ES256', 'active')!, keyIn(before, 'ES256', 'next')!, keyIn(before, 'RS256', 'active')!];
    assert.ok(active && next && rsActive, JSON.stringify(before));

    const screen = await consoleScreen(browser, api, '/keys');
    assert.equal(screen.page.status, 200);
    assert.match(screen.page.body, /<h1>Signing keys<\/h1>/);
    for (const k of before) assert.ok(screen.page.body.includes(`<code>${k.kid}</code>`), `${k.kid} is listed`);
    assert.match(screen.page.body, /Token signing \(ES256\)/);
    assert.match(screen.page.body, /SAML signing and RS256 tokens \(RS256\)/);
    assert.doesNotMatch(screen.page.body, /-----BEGIN|"d"\s*:|sealed/i, 'no private material');

    const confirm = await browser.get(`/t/${api.tenant.slug}/console/keys?rotate=ES256`);
    assert.match(confirm.body, /id="confirm-rotation"/);
    assert.ok(confirm.body.includes(`The next key <code>${next}</code>`), 'names the key that will sign');
    assert.match(confirm.body, /stays published for 7 days/);

    // The first click only asks; a missing or forged CSRF token changes nothing.
    const unconfirmed = await screen.post('/keys/rotate', { alg: 'ES256' });
    assert.equal(unconfirmed.status, 200);
    assert.match(unconfirmed.body, /id="confirm-rotation"/);
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/keys/rotate`, { alg: 'ES256', confirm: 'yes' })).status, 403);
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/keys/rotate`, { alg: 'ES256', confirm: 'yes', csrf: 'forged' })).status, 403);
    assert.deepEqual(await keysOf(api), before, 'nothing rotated yet');

    const rotated = await screen.post('/keys/rotate', { alg: 'ES256', confirm: 'yes' });
    assert.equal(rotated.status, 200);
    assert.match(rotated.body, new RegExp(`role="status" id="console-notice">The ES256 key was rotated: ${next} signs now`));
    const afterRotation = await keysOf(api);
    assert.equal(keyIn(afterRotation, 'ES256', 'active'), next, 'the published next key signs');
    assert.equal(keyIn(afterRotation, 'ES256', 'retired'), active, 'the old key is retired');
    assert.ok(keyIn(afterRotation, 'ES256', 'next') && keyIn(afterRotation, 'ES256', 'next') !== next, 'a new next key');
    assert.equal(keyIn(afterRotation, 'RS256', 'active'), rsActive, 'the SAML key is untouched');
    assert.ok(rotated.body.includes(`<tr data-state="active"><td><code>${next}</code>`), 'the page shows the new active key');

    const jwks = (await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/oauth2/jwks`)).json<{ keys: Array<{ kid: string }> }>();
    const published = jwks.keys.map((k) => k.kid);
    assert.ok(published.includes(next) && published.includes(active), 'the new signing key and the retired one are both published');

    const adminId = await adminIdOf(api);
    const activated = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'key.activated' && e.details.kid === next);
    assert.deepEqual(activated.map((e) => [e.actor.kind, e.actor.id, e.details.forced]), [['user', adminId, true]]);

    for (const alg of ['HS256', '', 'x'.repeat(5000)]) {
      const bad = await screen.post('/keys/rotate', { alg, confirm: 'yes' });
      assert.equal(bad.status, 200, alg.slice(0, 10));
      assert.match(alertOf(bad), /Choose the key to rotate/);
    }
    assert.match(alertOf(await browser.get(`/t/${api.tenant.slug}/console/keys?rotate=%3Cscript%3E`)), /Choose the key to rotate/);
  });
});

describe('the console: SIEM sinks', () => {
  test('a webhook sink made in a form (its secret shown once), a test event that reaches the listener with the outcome shown, edited, a new secret, deleted; all through the API and audited', async () => {
    const api = await adminApi();
    const receiver = await listener();
    const { browser } = await intoConsole(api);
    const screen = await consoleScreen(browser, api, '/siem');
    assert.match(screen.page.body, /<h1>SIEM<\/h1>/);
    assert.match(screen.page.body, /No sinks yet/);

    const created = await screen.post('/siem', { name: 'SOC webhook', kind: 'webhook', url: receiver.url, eventTypes: 'siem.test', enabled: 'on' });
    assert.equal(created.status, 200);
    assert.match(noticeOf(created), /The sink SOC webhook was added/);
    const secret = /<code id="sink-secret">(whsec_[A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
    assert.ok(secret, 'the signing secret is shown');
    const [listed] = (await api.call('GET', '/siem-sinks')).json<{ items: Sink[] }>().items;
    assert.deepEqual([listed!.name, listed!.kind, listed!.url, listed!.eventTypes, listed!.enabled], ['SOC webhook', 'webhook', receiver.url, ['siem.test'], true]);
    sinks.push({ api, id: listed!.id });
    const again = await browser.get(`/t/${api.tenant.slug}/console/siem`);
    assert.ok(!again.body.includes(secret) && !/whsec_/.test(again.body), 'the secret is not shown twice');

    // Send a test event: it reaches the listener, signed, and the page says what happened.
    const tested = await screen.post('/siem/test', { sink: listed!.id });
    assert.match(noticeOf(tested), /The test event reached SOC webhook \(HTTP 200\)/);
    assert.match(tested.body, /id="test-status">200</);
    assert.match(tested.body, /id="test-latency">\d+ ms</);
    const eventId = /Test event id<\/dt><dd><code>([^<]+)<\/code>/.exec(tested.body)![1]!;
    const delivery = receiver.received.find((r) => (r.body as { id: string }).id === eventId);
    assert.ok(delivery, 'the listener got the test event');
    assert.equal((delivery.body as { type: string }).type, 'siem.test');
    assert.ok(signedWith(delivery.headers['x-idp-signature'], delivery.raw, secret));

    receiver.failNext(1, 503);
    const failed = await screen.post('/siem/test', { sink: listed!.id });
    assert.match(alertOf(failed), /did not reach SOC webhook: the sink answered HTTP 503/);
    assert.match(failed.body, /id="test-reason">the sink answered HTTP 503</);

    // Edit: the form comes filled in; the change is the API's.
    const edit = await browser.get(`/t/${api.tenant.slug}/console/siem?edit=${listed!.id}`);
    assert.match(edit.body, /<h2 id="sink-form-heading">Edit SOC webhook<\/h2>/);
    assert.match(edit.body, /id="sink-events" name="eventTypes" maxlength="5000" value="siem.test"/);
    const saved = await screen.post('/siem/update', { sink: listed!.id, name: 'SOC (paused)', kind: 'webhook', url: receiver.url, eventTypes: 'siem.test, signin.*' });
    assert.match(noticeOf(saved), /The sink SOC \(paused\) was saved/);
    const stored = (await api.call('GET', `/siem-sinks/${listed!.id}`)).json<Sink>();
    assert.deepEqual([stored.name, stored.eventTypes, stored.enabled], ['SOC (paused)', ['siem.test', 'signin.*'], false]);

    // A new secret: asked first, then shown once; deliveries are signed with it.
    const ask = await screen.post('/siem/secret', { sink: listed!.id });
    assert.match(ask.body, /id="confirm-sink"/);
    assert.doesNotMatch(ask.body, /sink-secret/);
    const renewed = await screen.post('/siem/secret', { sink: listed!.id, confirm: 'yes' });
    const newSecret = /<code id="sink-secret">(whsec_[^<]+)<\/code>/.exec(renewed.body)?.[1];
    assert.ok(newSecret && newSecret !== secret);
    const retested = await screen.post('/siem/test', { sink: listed!.id });
    const retestId = /Test event id<\/dt><dd><code>([^<]+)<\/code>/.exec(retested.body)![1]!;
    const second = receiver.received.find((r) => (r.body as { id: string }).id === retestId)!;
    assert.ok(signedWith(second.headers['x-idp-signature'], second.raw, newSecret) && !signedWith(second.headers['x-idp-signature'], second.raw, secret), 'signed with the new secret only');

    // Delete: asked first, then gone.
    const askDelete = await browser.get(`/t/${api.tenant.slug}/console/siem?delete=${listed!.id}`);
    assert.match(askDelete.body, /Delete the sink SOC \(paused\)\?/);
    await screen.post('/siem/delete', { sink: listed!.id });
    assert.equal((await api.call('GET', `/siem-sinks/${listed!.id}`)).status, 200, 'not deleted without the confirmation');
    const deleted = await screen.post('/siem/delete', { sink: listed!.id, confirm: 'yes' });
    assert.match(noticeOf(deleted), /The sink SOC \(paused\) was deleted/);
    assert.equal((await api.call('GET', `/siem-sinks/${listed!.id}`)).status, 404);

    const adminId = await adminIdOf(api);
    const audited = (await auditEventsOf(api.tenant.slug)).filter((e) => e.subject === `siem_sink:${listed!.id}`);
    assert.deepEqual(audited.filter((e) => e.actor.id === adminId).map((e) => e.type).sort(), ['siem.secret_rotated', 'siem.sink_created', 'siem.sink_deleted', 'siem.sink_tested', 'siem.sink_tested', 'siem.sink_tested', 'siem.sink_updated']);
    assert.ok(!JSON.stringify(audited).includes(secret) && !JSON.stringify(audited).includes(newSecret), 'no secret in the audit trail');
  });

  test('refusals carry the API\'s reason and keep what was typed: http to a private address, no Splunk token, a bad event type, an unknown kind, oversized values', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const screen = await consoleScreen(browser, api, '/siem');
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ name: 'Private', kind: 'webhook', url: 'http://10.1.2.3/hook' }, /url: must be an https URL/],
      [{ name: 'Metadata', kind: 'webhook', url: 'https://169.254.169.254/latest' }, /url: names an internal address/],
      [{ name: 'Splunk', kind: 'splunk_hec', url: 'https://splunk.example.com:8088/services/collector' }, /token: a Splunk HEC sink needs its token/],
      [{ name: 'Types', kind: 'webhook', url: 'https://siem.example.com/hook', eventTypes: 'Signin Success' }, /eventTypes\.0: an event type such as/],
      [{ name: 'Kind', kind: 'smtp', url: 'https://siem.example.com/hook' }, /Choose the kind of sink/],
      [{ name: 'x'.repeat(20_000), kind: 'webhook', url: 'https://siem.example.com/hook' }, /name: /],
      [{ name: 'Long URL', kind: 'webhook', url: `https://siem.example.com/${'a'.repeat(5000)}` }, /url: /],
      [{ name: 'Not a URL', kind: 'webhook', url: 'javascript:alert(1)' }, /url: /],
    ];
    for (const [fields, reason] of cases) {
      const res = await screen.post('/siem', fields);
      assert.equal(res.status, 200, fields.name!.slice(0, 20));
      assert.match(alertOf(res), reason, fields.name!.slice(0, 20));
    }
    const refused = await screen.post('/siem', { name: 'Private', kind: 'webhook', url: 'http://10.1.2.3/hook', eventTypes: 'user.*' });
    assert.match(refused.body, /id="sink-name" name="name" required maxlength="128" value="Private"/, 'what was typed is kept');
    assert.deepEqual((await api.call('GET', '/siem-sinks')).json<{ items: unknown[] }>().items, [], 'nothing was made');
  });

  test('hostile: every form needs the CSRF token; another tenant\'s sink is not found here and is left alone; a console cookie is nothing at another tenant', async () => {
    const api = await adminApi();
    const other = await adminApi();
    const receiver = await listener();
    const theirs = (await other.call('POST', '/siem-sinks', { name: 'Theirs', kind: 'webhook', url: receiver.url, eventTypes: ['siem.test'] })).json<Sink>();
    sinks.push({ api: other, id: theirs.id });
    const { browser } = await intoConsole(api);
    const base = `/t/${api.tenant.slug}/console`;

    const forms: Array<[string, Record<string, string>]> = [
      ['/keys/rotate', { alg: 'ES256', confirm: 'yes' }],
      ['/siem', { name: 'n', kind: 'webhook', url: 'https://siem.example.com/x' }],
      ['/siem/update', { sink: theirs.id, name: 'n', kind: 'webhook', url: 'https://siem.example.com/x' }],
      ['/siem/delete', { sink: theirs.id, confirm: 'yes' }],
      ['/siem/secret', { sink: theirs.id, confirm: 'yes' }],
      ['/siem/test', { sink: theirs.id }],
    ];
    for (const [action, fields] of forms) {
      assert.equal((await browser.postForm(`${base}${action}`, fields)).status, 403, `${action} without a token`);
      assert.equal((await browser.postForm(`${base}${action}`, { ...fields, csrf: 'x'.repeat(43) })).status, 403, `${action} with a forged token`);
    }

    const screen = await consoleScreen(browser, api, '/siem');
    for (const [action, fields] of forms.slice(2)) {
      const res = await screen.post(action, fields);
      assert.equal(res.status, 200, action);
      assert.match(alertOf(res), /No such SIEM sink/, action);
    }
    for (const param of ['edit', 'delete', 'secret']) {
      const res = await browser.get(`${base}/siem?${param}=${theirs.id}`);
      assert.equal(res.status, 404, param);
      assert.match(alertOf(res), /No such SIEM sink/);
    }
    for (const id of ['x'.repeat(5000), '../../keys', '']) assert.match(alertOf(await screen.post('/siem/test', { sink: id })), /No such SIEM sink/);
    const still = (await other.call('GET', `/siem-sinks/${theirs.id}`)).json<Sink>();
    assert.deepEqual([still.name, still.version], ['Theirs', theirs.version], 'their sink is untouched');
    assert.equal(receiver.received.length, 0, 'no test event was sent to their sink');

    // A field sent twice is refused, not guessed at.
    const twice = await browser.send('POST', `${base}/siem/test`, `csrf=${encodeURIComponent(csrfTokenOf(screen.page.body))}&sink=a&sink=b`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(twice.status, 400);

    const cookie = browser.jar.get('console_session')!.value;
    for (const path of ['/keys', '/siem', '/audit', '/audit/export?format=csv']) {
      const elsewhere = await webClient(sharedRuntime.url).get(`/t/${other.tenant.slug}/console${path}`, { cookie: `console_session=${cookie}` });
      assert.equal(elsewhere.status, 303, `${path}: tenant A's console session is no session at tenant B`);
    }
  });
});

describe('the console: audit log', () => {
  let api: AdminApi;
  let browser: WebClient;
  let userId: string;
  /** Every group.created event of the tenant, as the API counts them (signup makes one too). */
  let groupEvents: number;
  before(async () => {
    api = await adminApi();
    ({ browser } = await intoConsole(api));
    // More than one API page (200) of one type, so the export has to page.
    for (let i = 0; i < 204; i += 12) await Promise.all(Array.from({ length: 12 }, (_, j) => api.call('POST', '/groups', { name: `Group ${i + j}` })));
    await api.call('POST', '/groups', { name: '<script>alert(1)</script>' });
    groupEvents = 0;
    let cursor = '';
    do {
      const page = (await api.call('GET', `/audit/events?type=group.created&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json<{ items: unknown[]; next_cursor?: string }>();
      groupEvents += page.items.length;
      cursor = page.next_cursor ?? '';
    } while (cursor);
    assert.ok(groupEvents > 200, String(groupEvents));
    userId = (await api.call('POST', '/users', { userName: 'audited', emails: [{ value: `audited-${api.tenant.slug}@example.com` }] })).json<{ id: string }>().id;
    await api.call('PATCH', `/users/${userId}`, { name: { givenName: 'Audited' } });
  });

  const idsOf = (res: WebResponse) => [...res.body.matchAll(/<pre>\{\n {2}&quot;id&quot;: &quot;([0-9a-f-]{36})&quot;/g)].map((m) => m[1]!);
  const audit = (query = '') => browser.get(`/t/${api.tenant.slug}/console/audit${query}`);
  const rowsOf = (res: WebResponse) => [...res.body.matchAll(/<tr><td><time datetime="([^"]+)">[^<]*<\/time><\/td><td><code>([^<]+)<\/code><\/td><td>([^<]+)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => ({ time: m[1]!, type: m[2]!, outcome: m[3]!, subject: m[4]! }));

  test('events newest first with their details escaped; filters narrow the rows; the view is a link; older events page by cursor', async () => {
    const all = await eventually('the events', async () => {
      const res = await audit();
      return rowsOf(res).some((r) => r.type === 'user.updated') ? res : undefined;
    });
    assert.equal(all.status, 200);
    assert.match(all.body, /<h1>Audit log<\/h1>/);
    const times = rowsOf(all).map((r) => r.time);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.ok(!all.body.includes('<script>alert(1)</script>'), 'event details are escaped');
    assert.match(all.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(all.body, /<option value="group.created">group.created<\/option>/, 'the catalogue\'s types are offered');

    const firstPage = await audit('?type=group.created');
    const first = rowsOf(firstPage);
    assert.equal(first.length, 50);
    assert.ok(first.every((r) => r.type === 'group.created'));
    assert.match(firstPage.body, /<option value="group.created" selected>/, 'the form shows the filter');
    // Older pages by cursor, each a link that keeps the filter, until there are none: every event once.
    const seen = idsOf(firstPage);
    let oldest = first.at(-1)!.time;
    let page = firstPage;
    for (let link = /href="([^"]+)" rel="next">Older events/.exec(page.body); link; link = /href="([^"]+)" rel="next">Older events/.exec(page.body)) {
      const href = link[1]!.replace(/&amp;/g, '&');
      assert.match(href, /\?type=group.created&cursor=/);
      page = await browser.get(href);
      const rows = rowsOf(page);
      assert.ok(rows.every((r) => r.type === 'group.created'));
      assert.ok(rows[0]!.time <= oldest, 'each page is older');
      oldest = rows.at(-1)!.time;
      assert.match(page.body, />Newest events</);
      seen.push(...idsOf(page));
    }
    assert.equal(seen.length, groupEvents);
    assert.equal(new Set(seen).size, groupEvents, 'no event twice');
    const ofUser = rowsOf(await audit(`?subject=${userId}`));
    assert.deepEqual(ofUser.map((r) => r.type), ['user.updated', 'user.created']);
    const updated = rowsOf(await audit(`?subject=${userId}&type=user.updated&outcome=success`));
    assert.deepEqual(updated.map((r) => r.type), ['user.updated']);
    assert.deepEqual(rowsOf(await audit('?outcome=failure&type=group.created')), []);
    // By who did it: the management client made and changed the user; the console's administrator did neither.
    const byClient = await audit(`?actor=${api.tenant.clientId}&subject=${userId}`);
    assert.deepEqual(rowsOf(byClient).map((r) => r.type), ['user.updated', 'user.created']);
    assert.match(byClient.body, new RegExp(`id="f-actor" name="actor" maxlength="256" value="${api.tenant.clientId}"`), 'the form shows the filter');
    assert.deepEqual(rowsOf(await audit(`?actor=someone-else&subject=${userId}`)), []);

    const hour = 3_600_000;
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    assert.deepEqual(rowsOf(await audit(`?type=user.created&subject=${userId}&from=${local(Date.now() + hour)}&to=${local(Date.now() + 2 * hour)}`)), [], 'a later period has none');
    assert.equal(rowsOf(await audit(`?type=user.created&subject=${userId}&from=${local(Date.now() - hour)}&to=${local(Date.now() + hour)}`)).length, 1);
    assert.equal(rowsOf(await audit(`?type=user.created&subject=${userId}&from=${local(Date.now() - 20 * 86_400_000)}&to=${local(Date.now() - 10 * 86_400_000)}`)).length, 0, 'an earlier period has none');

    const integrity = await audit('?integrity=check');
    assert.match(integrity.body, /<h2 id="integrity-heading">Integrity [^<]+: (intact|problems found)<\/h2>/);
  });

  test('the export downloads every event the filters match, as CSV or NDJSON', async () => {
    const csv = await browser.get(`/t/${api.tenant.slug}/console/audit/export?type=group.created&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), new RegExp(`^attachment; filename="audit-${api.tenant.slug}-\\d{8}T\\d{4}\\.csv"$`));
    assert.equal(csv.headers['cache-control'], 'no-store');
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,time,type,outcome,actor,subject,clientIp,userAgent,correlationId,details');
    assert.equal(lines.length - 1, groupEvents, 'every group.created event, over several API pages');
    assert.ok(lines.slice(1).every((l) => l.split(',')[2] === 'group.created'));

    const ndjson = await browser.get(`/t/${api.tenant.slug}/console/audit/export?subject=${userId}&format=ndjson`);
    assert.match(String(ndjson.headers['content-disposition']), /^attachment; filename="[^"]+\.ndjson"$/);
    const events = ndjson.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Event);
    const fromApi = (await api.call('GET', `/audit/events?subject=${userId}`)).json<{ items: Event[] }>().items;
    assert.deepEqual(events.map((e) => e.id), fromApi.map((e) => e.id));
    assert.deepEqual(events.map((e) => e.type), ['user.updated', 'user.created']);

    // Each download is on the record, by the administrator who made it.
    const exports = (await api.call('GET', '/audit/events?type=audit.exported')).json<{ items: Event[] }>().items.filter((e) => e.actor.kind === 'user');
    assert.deepEqual(exports.map((e) => [e.details.format, e.details.count]), [['ndjson', 2], ['csv', groupEvents]]);
    assert.deepEqual(exports.map((e) => e.details.filters), [{ subject: userId }, { type: 'group.created' }]);
  });

  test('garbled filters get a clear message, never a 500; the export refuses them too', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?type=no.such_type', /There is no event type “no.such_type”/],
      [`?type=${'a.'.repeat(3000)}b`, /There is no event type/],
      ['?outcome=maybe', /The outcome “maybe” is not one of/],
      [`?subject=${'s'.repeat(300)}`, /Subject may be at most 256 characters/],
      ['?from=2026-02-31T10:00', /From “2026-02-31T10:00” is not a date and time/],
      ['?to=yesterday', /To “yesterday” is not a date and time/],
      [`?from=${'9'.repeat(10_000)}`, /From “9{60}…” is not a date and time/],
      ['?from=2026-05-02T00:00&to=2026-05-01T00:00', /From must be before To/],
      ['?from=2025-01-01T00:00&to=2025-12-01T00:00', /at most 92 days/],
      ['?type=group.created&type=user.created', /The filter “type” was given more than once/],
      ['?cursor=bm90IGEgY3Vyc29y', /cursor|newest events/i],
      ['?cursor=%00%01', /cursor|newest events/i],
    ];
    for (const [query, message] of cases) {
      const res = await audit(query);
      assert.equal(res.status, 400, query.slice(0, 40));
      assert.match(alertOf(res), message, query.slice(0, 40));
      assert.doesNotMatch(res.body, /<script>/);
    }
    for (const query of ['?format=xml', '?format=csv&from=nonsense', '?format=csv&format=ndjson']) {
      const res = await browser.get(`/t/${api.tenant.slug}/console/audit/export${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.headers['content-disposition'], undefined);
      assert.match(res.body, /role="alert"/);
    }
  });
});
