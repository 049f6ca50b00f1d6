import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '../../../infra/tables.ts';
import { createAuditLog } from '../../../shared/adapters/dynamodb/audit-log.ts';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import { startRuntime, type RuntimeProcess } from '../../support/runtime.ts';
import { startSiemListener, type SiemListener } from '../../support/siem-listener.ts';
import { eventually } from '../../support/wait.ts';

const credentials = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

describe('the local runtime (npm start)', () => {
  let runtime: RuntimeProcess;
  let siem: SiemListener;

  before(async () => {
    siem = await startSiemListener();
    // As `npm start` runs: DynamoDB Local's tables on disk (test runtimes otherwise keep them in memory).
    runtime = await startRuntime({ env: { SIEM_URL: siem.url, AUDIT_POLL_MS: '100', DYNAMODB_STORAGE: 'disk' } });
  });
  after(async () => {
    await runtime?.stop();
    await siem?.close();
  });

  const documents = () => {
    process.env.AWS_REGION = credentials.region;
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    return createDocumentClient(runtime.dynamodbEndpoint);
  };

  test('prints the URLs a person needs', () => {
    const out = runtime.output();
    for (const label of ['Health', 'Mail viewer', 'DynamoDB Local', 'Audit log', 'SIEM sink']) assert.match(out, new RegExp(label));
    assert.match(out, new RegExp(`${runtime.url}/health`));
  });

  test('serves GET /health = 200 with every dependency up', async () => {
    const res = await fetch(`${runtime.url}/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    for (const name of ['dynamodb', 'keystore', 'mail']) assert.equal(body.checks[name].status, 'up', name);
  });

  test('creates the four tables exactly as infra/tables.ts defines them', async () => {
    const client = new DynamoDBClient({ endpoint: runtime.dynamodbEndpoint, ...credentials });
    for (const definition of tables) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.id }));
      assert.deepEqual(Table!.KeySchema!.map((k) => k.AttributeName), [definition.partitionKey, definition.sortKey]);
      assert.deepEqual((Table!.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort(), definition.globalIndexes.map((i) => i.indexName).sort());
      assert.equal(Table!.StreamSpecification?.StreamEnabled ?? false, definition.stream !== undefined, `${definition.id} stream`);
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: definition.id }));
      assert.equal(ttl.TimeToLiveDescription?.AttributeName, definition.timeToLiveAttribute, `${definition.id} TTL`);
    }
    client.destroy();
  });

  test('delivers an audit event to the audit log file and the SIEM listener, once each', async () => {
    const db = documents();
    const event = createAuditEvent({ tenant: 'acme', type: 'siem.test', actor: { kind: 'system' }, outcome: 'success', details: { n: 1 } });
    await createAuditLog(db, 'Audit', 365).record(event);
    const logFile = join(runtime.dataDir, 'audit.log');
    const line = await eventually('the event in audit.log', () =>
      existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes(event.id)) : undefined,
    );
    assert.deepEqual(JSON.parse(line), event);
    await siem.waitFor((bodies) => bodies.some((b) => (b as { event: { id: string } }).event.id === event.id));
    const delivered = siem.received.filter((r) => (r.body as { event: { id: string } }).event.id === event.id);
    assert.equal(delivered.length, 1);
    assert.equal((delivered[0]!.body as { sourcetype: string }).sourcetype, '_json');
    assert.equal(delivered[0]!.headers['x-idp-event-id'], event.id);
    db.destroy();
  });

  test('retries the SIEM while it fails, and still delivers each event once', async () => {
    const db = documents();
    siem.failNext(2);
    const event = createAuditEvent({ tenant: 'acme', type: 'siem.test', actor: { kind: 'system' }, outcome: 'success', details: {} });
    await createAuditLog(db, 'Audit', 365).record(event);
    await siem.waitFor((bodies) => bodies.some((b) => (b as { event: { id: string } }).event.id === event.id));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(siem.received.filter((r) => (r.body as { event: { id: string } }).event.id === event.id).length, 1);
    db.destroy();
  });

  test('refuses to write one audit event id twice', async () => {
    const db = documents();
    const event = createAuditEvent({ tenant: 'acme', type: 'siem.test', actor: { kind: 'system' }, outcome: 'success', details: {} });
    const log = createAuditLog(db, 'Audit', 365);
    await log.record(event);
    await assert.rejects(log.record(event), { name: 'ConditionalCheckFailedException' });
    await siem.waitFor((bodies) => bodies.some((b) => (b as { event: { id: string } }).event.id === event.id));
    db.destroy();
  });

  test('keeps its data across a restart, and does not deliver old events again', async () => {
    const db = documents();
    await db.send(new PutCommand({ TableName: 'Directory', Item: { pk: 'TENANT#persisted', sk: 'TENANT', marker: 'kept' } }));
    db.destroy();
    const deliveredBefore = siem.received.length;
    const { dataDir } = runtime;
    const port = Number(new URL(runtime.url).port);
    assert.equal(await runtime.stop(), 0, 'Ctrl-C ends the runtime cleanly');
    runtime = await startRuntime({ dataDir, port, env: { SIEM_URL: siem.url, AUDIT_POLL_MS: '100' } });
    const again = documents();
    const { Item } = await again.send(new GetCommand({ TableName: 'Directory', Key: { pk: 'TENANT#persisted', sk: 'TENANT' } }));
    assert.equal(Item?.marker, 'kept');
    assert.ok(existsSync(join(dataDir, 'dynamodb')), 'the tables are files under the data directory');
    again.destroy();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(siem.received.length, deliveredBefore, 'the checkpoint kept the pipeline from sending old events again');
    assert.equal((await fetch(`${runtime.url}/health`)).status, 200);
  });

  test('runs beside another instance with different settings', async () => {
    const other = process.env.TEST_RUNTIME_URL;
    assert.ok(other, 'the shared runtime of this test run is up');
    assert.notEqual(other, runtime.url);
    const [a, b] = await Promise.all([fetch(`${other}/health`), fetch(`${runtime.url}/health`)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
  });
});

describe('stopping the local runtime', () => {
  test('a stop requested while it is still starting leaves no stand-in running', async () => {
    const { spawn } = await import('node:child_process');
    const { createConnection } = await import('node:net');
    const { freePortTriple } = await import('../../support/free-port.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const port = await freePortTriple();
    const child = spawn(process.execPath, ['infra/local/main.ts'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'idp-stop-')) },
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    // On a busy machine the signal can arrive while modules still load, before any stand-in starts: then SIGTERM's default ends it.
    assert.ok(code === 0 || code === 1 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
    const listening = (p: number) =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ port: p, host: '127.0.0.1' });
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
    for (const p of [port, port + 1, port + 2]) assert.equal(await listening(p), false, `port ${p} still answers`);
  });
});
