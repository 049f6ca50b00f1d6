import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { addressAllowed, DestinationRefused, guardedPost } from '../../../shared/adapters/outbound/guarded-post.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { siemRequest, siemSinkInputSchema, sinkWants, webhookSignature } from '../../../shared/domain/audit/siem-sink.ts';

const event = createAuditEvent({ tenant: 't1', type: 'signin.success', actor: { kind: 'user', id: 'u1' }, subject: 'u1', outcome: 'success', details: { amr: ['pwd'] } });

describe('SIEM sinks: what they want and how a delivery looks', () => {
  test('type filters: none takes everything; exact types and `prefix.*`; a disabled sink takes nothing', () => {
    const sink = (eventTypes: string[], enabled = true) => ({ eventTypes, enabled });
    assert.equal(sinkWants(sink([]), event), true);
    assert.equal(sinkWants(sink(['signin.success']), event), true);
    assert.equal(sinkWants(sink(['signin.*']), event), true);
    assert.equal(sinkWants(sink(['sign.*', 'signin.failure']), event), false, 'a prefix matches whole segments only');
    assert.equal(sinkWants(sink([], false), event), false);
  });

  test('webhook: the body is the event, signed as t=<seconds>,v1=HMAC-SHA256(secret, "<t>.<body>")', () => {
    const request = siemRequest({ kind: 'webhook', url: 'https://siem.example/hook' }, 'whsec_test', event, 1_700_000_000_123);
    assert.deepEqual(JSON.parse(request.body), event);
    const expected = createHmac('sha256', 'whsec_test').update(`1700000000.${request.body}`).digest('hex');
    assert.equal(request.headers['x-idp-signature'], `t=1700000000,v1=${expected}`);
    assert.equal(webhookSignature('whsec_test', request.body, 1_700_000_000), request.headers['x-idp-signature']);
    assert.equal(request.headers['x-idp-event-id'], event.id);
    assert.equal(request.headers.authorization, undefined);
  });

  test('Splunk HEC: epoch time, sourcetype _json, the event under `event`, the token in Authorization', () => {
    const request = siemRequest({ kind: 'splunk_hec', url: 'https://splunk.example/services/collector/event' }, 'hec-token', event, Date.now());
    const body = JSON.parse(request.body) as { time: number; sourcetype: string; event: unknown };
    assert.equal(body.time, Date.parse(event.time) / 1000);
    assert.equal(body.sourcetype, '_json');
    assert.deepEqual(body.event, event);
    assert.equal(request.headers.authorization, 'Splunk hec-token');
    assert.equal(request.headers['x-idp-signature'], undefined);
  });

  test('input: a Splunk sink needs a token, a webhook takes none; filters are types or prefixes', () => {
    assert.equal(siemSinkInputSchema.safeParse({ name: 's', kind: 'splunk_hec', url: 'https://s.example/' }).success, false);
    assert.equal(siemSinkInputSchema.safeParse({ name: 'w', kind: 'webhook', url: 'https://w.example/', token: 'abcdefghij' }).success, false);
    assert.equal(siemSinkInputSchema.safeParse({ name: 'w', kind: 'webhook', url: 'https://w.example/', eventTypes: ['signin.*', 'user.created'] }).success, true);
    for (const bad of ['*', 'signin.', 'Signin.success', 'signin.*.x']) assert.equal(siemSinkInputSchema.safeParse({ name: 'w', kind: 'webhook', url: 'https://w.example/', eventTypes: [bad] }).success, false, bad);
  });
});

describe('posting to tenant-configured URLs (SSRF guard)', () => {
  test('internal, link-local, private and mapped addresses are refused; public ones allowed; loopback only when allowed', () => {
    for (const address of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254']) {
      assert.equal(addressAllowed(address, true), false, address);
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '8.8.8.8']) assert.equal(addressAllowed(address, false), true, address);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      assert.equal(addressAllowed(address, false), false, address);
      assert.equal(addressAllowed(address, true), true, address);
    }
  });

  test('a name that resolves to loopback is refused at connection time; with loopback allowed the POST goes through and redirects are not followed', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(req.url === '/redirect' ? 302 : 204, req.url === '/redirect' ? { location: 'http://169.254.169.254/' } : {}).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      await assert.rejects(guardedPost(`https://localhost:${port}/`, {}, '{}', { allowLoopback: false }), DestinationRefused);
      await assert.rejects(guardedPost(`http://127.0.0.1:${port}/`, {}, '{}', { allowLoopback: false }), DestinationRefused, 'plain http only in the local runtime');
      assert.equal((await guardedPost(`http://localhost:${port}/ok`, { 'content-type': 'application/json' }, '{}', { allowLoopback: true })).status, 204);
      assert.equal((await guardedPost(`http://127.0.0.1:${port}/redirect`, {}, '{}', { allowLoopback: true })).status, 302);
      assert.deepEqual(hits, ['/ok', '/redirect'], 'the redirect was not followed');
    } finally {
      server.close();
    }
  });
});
