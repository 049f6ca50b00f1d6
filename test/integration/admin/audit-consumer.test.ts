import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { createAuditFunction } from '../../../functions/audit/app.ts';
import { auditEventDetailType, auditEventSource } from '../../../infra/constructs/audit-pipeline.ts';
import { auditItem } from '../../../shared/adapters/dynamodb/audit-item.ts';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../../shared/adapters/platform-ports.ts';
import { createAuditEvent, type AuditEvent } from '../../../shared/domain/audit/event.ts';
import { adminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';

before(useSharedRuntimeEnvironment);

/** A webhook receiver that refuses the first attempt of the events it is told to, and counts every event it takes. */
const taken: string[] = [];
const refuseOnce = new Set<string>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { id } = JSON.parse(body) as { id: string };
    if (refuseOnce.delete(id)) return void res.writeHead(503).end();
    taken.push(id);
    res.writeHead(204).end();
  });
});
let url = '';
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** The SQS messages the bus rule would put on the consumer's queue for these events. */
const sqsBatch = (events: AuditEvent[]): SQSEvent => ({
  Records: events.map((event) => ({
    messageId: `m-${event.id}`,
    receiptHandle: 'r',
    body: JSON.stringify({ source: auditEventSource, 'detail-type': auditEventDetailType, detail: { eventName: 'INSERT', dynamodb: { NewImage: marshall(auditItem(event, 365), { removeUndefinedValues: true }) } } }),
    attributes: {} as never,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:0:audit',
    awsRegion: 'local',
  })),
});

describe('the audit consumer under failure (bus rule ─▶ SQS ─▶ audit function)', () => {
  test('a failed item is reported alone; a redelivered batch (consumer crash) reaches each sink once', async () => {
    const api = await adminApi();
    assert.equal((await api.call('POST', '/siem-sinks', { name: 'consumer', kind: 'webhook', url, eventTypes: ['group.*'] })).status, 201);
    const events = [1, 2, 3].map((n) => createAuditEvent({ tenant: api.tenant.slug, type: 'group.created', actor: { kind: 'system' }, outcome: 'success', details: { name: `g${n}` } }));
    const handler = createAuditFunction(() => portsFromEnvironment());
    refuseOnce.add(events[1]!.id);

    const first = (await handler(sqsBatch(events), {} as Context)) as { batchItemFailures: Array<{ itemIdentifier: string }> };
    assert.deepEqual(first.batchItemFailures, [{ itemIdentifier: `m-${events[1]!.id}` }], 'only the failed message comes back');
    assert.deepEqual(new Set(taken.filter((id) => events.some((e) => e.id === id))), new Set([events[0]!.id, events[2]!.id]));

    // The whole batch again, as after a crash before SQS heard of the partial failure.
    const second = (await handler(sqsBatch(events), {} as Context)) as { batchItemFailures: unknown[] };
    assert.deepEqual(second.batchItemFailures, []);
    for (const event of events) assert.equal(taken.filter((id) => id === event.id).length, 1, `event ${event.details.name} once`);

    // A message that is not an audit event (a digest item, or anything else) is skipped, not failed.
    const digest = { ...sqsBatch([events[0]!]).Records[0]!, messageId: 'm-digest', body: JSON.stringify({ detail: { eventName: 'INSERT', dynamodb: { NewImage: marshall({ pk: 'TENANT#x', sk: 'DIGEST#2026', jws: 'x' }) } } }) };
    assert.deepEqual(((await handler({ Records: [digest] }, {} as Context)) as { batchItemFailures: unknown[] }).batchItemFailures, []);
  });

  test('a batch is counted in one transaction, summed per day; delivered again, or in part with new events, nothing counts twice', async () => {
    const tenant = `counted-${randomUUID().slice(0, 8)}`;
    const db = createDocumentClient();
    const transactions: number[] = [];
    let queries = 0;
    db.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') transactions.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    }, { step: 'initialize', name: 'countTransactions' });
    const ports = () => portsFromEnvironment({ db });
    const handler = createAuditFunction(ports);
    const issued = (grantType: string) => createAuditEvent({ tenant, type: 'token.issued', actor: { kind: 'client', id: 'svc' }, subject: 'client:svc', outcome: 'success', details: { grantType } });
    const events = [...Array.from({ length: 6 }, () => issued('client_credentials')), issued('refresh_token'), createAuditEvent({ tenant, type: 'session.started', actor: { kind: 'user', id: 'u1' }, subject: 'u1', outcome: 'success', details: {} })];
    const today = events[0]!.time.slice(0, 10);
    const counters = async () => (await ports().auditCounters.read(tenant, today, today)).days.find((d) => d.date === today)?.counters ?? {};

    assert.deepEqual(((await handler(sqsBatch(events), {} as Context)) as { batchItemFailures: unknown[] }).batchItemFailures, []);
    assert.deepEqual(transactions, [8 + 1 + 1], 'eight markers, one day, the open sessions: one transaction');
    assert.equal(queries, 1, 'the tenant\'s SIEM sinks read once for the batch');
    assert.deepEqual(await counters(), { tokens_issued: 7, grant_client_credentials: 6, grant_refresh_token: 1, sessions_started: 1 });
    assert.equal((await ports().auditCounters.read(tenant, today, today)).openSessions, 1);

    // Redelivered whole, then half of it beside two new events: only the new ones count.
    await handler(sqsBatch(events), {} as Context);
    const more = [issued('client_credentials'), issued('client_credentials')];
    await handler(sqsBatch([...events.slice(0, 4), ...more]), {} as Context);
    assert.deepEqual(await counters(), { tokens_issued: 9, grant_client_credentials: 8, grant_refresh_token: 1, sessions_started: 1 });
    assert.equal((await ports().auditCounters.read(tenant, today, today)).openSessions, 1);
    db.destroy();
  });

  test('active users: a batch reads who was counted already in the day and month, and counts only the others', async () => {
    const tenant = `active-${randomUUID().slice(0, 8)}`;
    const db = createDocumentClient();
    const transactions: number[] = [];
    db.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') transactions.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      return next(args);
    }, { step: 'initialize', name: 'countTransactions' });
    const ports = () => portsFromEnvironment({ db });
    const handler = createAuditFunction(ports);
    const signIn = (user: string) => createAuditEvent({ tenant, type: 'signin.success', actor: { kind: 'user', id: user }, subject: user, outcome: 'success', details: { method: 'password' } });
    const today = new Date().toISOString().slice(0, 10);
    const read = () => ports().auditCounters.read(tenant, today, today);

    await handler(sqsBatch([signIn('u1'), signIn('u1'), signIn('u2')]), {} as Context);
    assert.deepEqual(transactions, [3 + 1, 2, 2, 2, 2], 'the counters, then each new user in the day and in the month');
    let counted = await read();
    assert.deepEqual(counted.days.find((d) => d.date === today)?.counters, { signins_success: 3, auth_password: 3, active_users: 2 });
    assert.equal(counted.months.find((m) => m.month === today.slice(0, 7))?.activeUsers, 2);

    transactions.length = 0;
    await handler(sqsBatch([signIn('u1'), signIn('u2')]), {} as Context);
    assert.deepEqual(transactions, [2 + 1], 'both were counted already: no transaction for them');
    counted = await read();
    assert.deepEqual(counted.days.find((d) => d.date === today)?.counters, { signins_success: 5, auth_password: 5, active_users: 2 });
    assert.equal(counted.months.find((m) => m.month === today.slice(0, 7))?.activeUsers, 2);
    db.destroy();
  });
});
