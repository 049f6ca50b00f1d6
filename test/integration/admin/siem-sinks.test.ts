import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { startSiemListener, type SiemListener } from '../../support/siem-listener.ts';

before(useSharedRuntimeEnvironment);

/** What a receiver does with the signature header: recompute the HMAC over "<t>.<raw body>" and refuse stale timestamps. */
function verifySignature(header: string | string[] | undefined, raw: string, secret: string, maxAgeSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  if (!match) return false;
  if (Math.abs(Date.now() / 1000 - Number(match[1])) > maxAgeSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

const listeners: SiemListener[] = [];
const created: Array<{ api: AdminApi; id: string }> = [];
async function listener() {
  const l = await startSiemListener();
  listeners.push(l);
  return l;
}
async function createSink(api: AdminApi, body: Record<string, unknown>) {
  const res = await api.call('POST', '/siem-sinks', body);
  assert.equal(res.status, 201, res.body);
  const sink = res.json<{ id: string; secret?: string }>();
  created.push({ api, id: sink.id });
  return sink;
}
after(async () => {
  // Sinks go before their listeners do, so later events of these tenants are not retried against closed ports.
  for (const { api, id } of created) await api.call('DELETE', `/siem-sinks/${id}`);
  await Promise.all(listeners.map((l) => l.close()));
});

const eventsAt = (l: SiemListener) => l.received.map((r) => (r.body as { event?: { id: string; type: string } }).event ?? (r.body as { id: string; type: string }));

describe('tenant SIEM sinks', () => {
  test('a webhook sink gets each event of its tenant once, signed with the secret shown at creation; the secret is never shown or audited again', async () => {
    const api = await adminApi();
    const receiver = await listener();
    const sink = await createSink(api, { name: 'SOC webhook', kind: 'webhook', url: receiver.url });
    assert.match(sink.secret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await api.call('GET', `/siem-sinks/${sink.id}`);
    assert.equal(read.status, 200);
    assert.doesNotMatch(read.body, /whsec_|sealed/i, 'never shown again');

    const user = (await api.call('POST', '/users', { userName: 'siem-subject', emails: [{ value: 'siem-subject@example.com' }] })).json<{ id: string }>();
    const ofUser = (body: unknown) => (body as { type: string; subject?: string }).type === 'user.created' && (body as { subject?: string }).subject === user.id;
    await receiver.waitFor((bodies) => bodies.some(ofUser));
    const delivery = receiver.received.find((r) => ofUser(r.body))!;
    assert.ok(verifySignature(delivery.headers['x-idp-signature'], delivery.raw, sink.secret!), 'the receiver can verify the signature');
    assert.ok(!verifySignature(delivery.headers['x-idp-signature'], delivery.raw.replace('"outcome":"success"', '"outcome":"failure"'), sink.secret!), 'a changed body does not verify');
    assert.equal(delivery.headers['x-idp-event-id'], (delivery.body as { id: string }).id);
    assert.equal((delivery.body as { subject: string }).subject, user.id);

    await new Promise((r) => setTimeout(r, 1500));
    const ids = eventsAt(receiver).map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    const audited = JSON.stringify(await auditEventsOf(api.tenant.slug));
    assert.ok(!audited.includes(sink.secret!), 'the secret is in no audit event');
    assert.match(audited, /siem\.sink_created/);
  });

  test('a Splunk HEC sink with a type filter gets only those events, in HEC format with its token; another tenant’s events never reach it', async () => {
    const api = await adminApi();
    const other = await adminApi();
    const hec = await listener();
    const token = '3f1b6c2e-1234-4d3a-9a77-0c6f3c9b1a55';
    const sink = await createSink(api, { name: 'Splunk', kind: 'splunk_hec', url: hec.url, token, eventTypes: ['group.*'] });
    // A change that leaves the token out keeps it (the token is never shown, so an editor cannot send it back).
    const renamed = await api.call('PUT', `/siem-sinks/${sink.id}`, { name: 'Splunk (SOC)', kind: 'splunk_hec', url: hec.url, eventTypes: ['group.*'] });
    assert.equal(renamed.status, 200, renamed.body);
    const hook = await createSink(api, { name: 'hook', kind: 'webhook', url: hec.url, eventTypes: ['nothing.*'] });
    const switched = await api.call('PUT', `/siem-sinks/${hook.id}`, { name: 'hook', kind: 'splunk_hec', url: hec.url });
    assert.equal(switched.status, 400, 'a webhook turned into a Splunk sink needs a token');
    assert.match(switched.body, /token: a Splunk HEC sink needs its token/);
    await api.call('POST', '/users', { userName: 'not-for-splunk', emails: [{ value: 'nfs@example.com' }] });
    await api.call('POST', '/groups', { name: 'Auditors' });
    await other.call('POST', '/groups', { name: 'Elsewhere' });
    await hec.waitFor(() => eventsAt(hec).some((e) => e.type === 'group.created'));
    await new Promise((r) => setTimeout(r, 1500));
    const received = hec.received.map((r) => r.body as { time: number; sourcetype: string; event: { type: string; tenant: string } });
    assert.ok(received.every((b) => b.event.type.startsWith('group.')), JSON.stringify(received.map((b) => b.event.type)));
    assert.ok(received.every((b) => b.event.tenant === api.tenant.slug), 'only this tenant’s events');
    assert.equal(received[0]!.sourcetype, '_json');
    assert.equal(hec.received[0]!.headers.authorization, `Splunk ${token}`);
    assert.doesNotMatch(JSON.stringify(await auditEventsOf(api.tenant.slug)), new RegExp(token), 'the token is in no audit event');
  });

  test('a sink that fails is retried until it takes the event; the tenant’s other sink does not get it twice', async () => {
    const api = await adminApi();
    const flaky = await listener();
    const steady = await listener();
    await createSink(api, { name: 'flaky', kind: 'webhook', url: flaky.url, eventTypes: ['group.created'] });
    await createSink(api, { name: 'steady', kind: 'webhook', url: steady.url, eventTypes: ['group.created'] });
    // Events recorded before a sink existed may still reach it (it is read at delivery): count by group name.
    const named = (name: string) => (l: SiemListener) => l.received.filter((r) => (r.body as { details?: { name?: string } }).details?.name === name).length;
    await api.call('POST', '/groups', { name: 'Warm-up' });
    await flaky.waitFor(() => named('Warm-up')(flaky) > 0);
    const retried = named('Retried');
    flaky.failNext(2, 503);
    await api.call('POST', '/groups', { name: 'Retried' });
    await flaky.waitFor(() => retried(flaky) > 0, 20_000);
    assert.equal(flaky.failuresLeft(), 0, 'the first two attempts failed');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(retried(flaky), 1);
    assert.equal(retried(steady), 1, 'the retry skipped the sink that had taken it');
  });

  test('"send a test event" reports what the sink answered; a new secret replaces the old one', async () => {
    const api = await adminApi();
    const receiver = await listener();
    // Only test events (sent directly, never stored): the tenant's own events do not reach this receiver.
    const sink = await createSink(api, { name: 'tested', kind: 'webhook', url: receiver.url, eventTypes: ['siem.test'] });
    const ok = (await api.call('POST', `/siem-sinks/${sink.id}/test`)).json<{ delivered: boolean; status: number; eventId: string }>();
    assert.deepEqual([ok.delivered, ok.status], [true, 200]);
    const test = receiver.received.find((r) => (r.body as { id: string }).id === ok.eventId)!;
    assert.equal((test.body as { type: string }).type, 'siem.test');
    assert.ok(verifySignature(test.headers['x-idp-signature'], test.raw, sink.secret!));

    const rotated = (await api.call('POST', `/siem-sinks/${sink.id}/secret`)).json<{ secret: string }>();
    assert.notEqual(rotated.secret, sink.secret);
    const again = (await api.call('POST', `/siem-sinks/${sink.id}/test`)).json<{ eventId: string }>();
    const second = receiver.received.find((r) => (r.body as { id: string }).id === again.eventId)!;
    assert.ok(verifySignature(second.headers['x-idp-signature'], second.raw, rotated.secret));
    assert.ok(!verifySignature(second.headers['x-idp-signature'], second.raw, sink.secret!), 'the old secret no longer verifies');

    receiver.failNext(1, 500);
    const failed = (await api.call('POST', `/siem-sinks/${sink.id}/test`)).json<{ delivered: boolean; reason: string }>();
    assert.deepEqual([failed.delivered, failed.reason], [false, 'the sink answered HTTP 500']);
  });

  test('hostile configurations are refused with the field named; another tenant cannot see or change a sink', async () => {
    const api = await adminApi();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['plain http to a public host', { name: 'x', kind: 'webhook', url: 'http://siem.example.com/hook' }, /url/],
      ['instance metadata address', { name: 'x', kind: 'webhook', url: 'https://169.254.169.254/latest' }, /internal/],
      ['private address', { name: 'x', kind: 'webhook', url: 'https://10.0.0.7/hook' }, /internal/],
      ['credentials in the URL', { name: 'x', kind: 'splunk_hec', url: 'https://user:pw@splunk.example.com/', token: 'abcdefgh12' }, /credentials/],
      ['not a URL', { name: 'x', kind: 'webhook', url: 'javascript:alert(1)' }, /url/],
      ['a token on a webhook', { name: 'x', kind: 'webhook', url: 'https://siem.example.com/', token: 'abcdefgh12' }, /token/],
      ['Splunk without a token', { name: 'x', kind: 'splunk_hec', url: 'https://splunk.example.com/' }, /token/],
      ['an unknown field', { name: 'x', kind: 'webhook', url: 'https://siem.example.com/', secret: 'mine' }, /secret|Unrecognized/i],
      ['a malformed type filter', { name: 'x', kind: 'webhook', url: 'https://siem.example.com/', eventTypes: ['*'] }, /eventTypes/],
      ['an oversized name', { name: 'x'.repeat(500), kind: 'webhook', url: 'https://siem.example.com/' }, /name/],
    ];
    for (const [label, body, field] of cases) {
      const res = await api.call('POST', '/siem-sinks', body);
      assert.equal(res.status, 400, `${label}: ${res.body}`);
      assert.match(res.body, field, label);
    }
    assert.equal((await api.call('GET', '/siem-sinks')).json<{ items: unknown[] }>().items.length, 0, 'nothing was stored');

    const receiver = await listener();
    const sink = await createSink(api, { name: 'mine', kind: 'webhook', url: receiver.url });
    const other = await adminApi();
    for (const [method, path] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/test'], ['POST', '/secret']] as const) {
      const res = await other.call(method, `/siem-sinks/${sink.id}${path}`, method === 'PUT' ? { name: 'stolen', kind: 'webhook', url: 'https://evil.example/' } : undefined);
      assert.equal(res.status, 404, `${method} ${path} at another tenant`);
    }
    assert.equal((await api.call('GET', `/siem-sinks/${sink.id}`)).json<{ name: string }>().name, 'mine');
  });
});
