import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startAuditPipeline } from '../../../infra/local/audit/pipeline.ts';
import type { AuditSink } from '../../../infra/local/audit/sinks.ts';
import type { Checkpoints, StreamRecord, createStreamReader } from '../../../infra/local/audit/stream-reader.ts';
import { auditItem } from '../../../shared/adapters/dynamodb/audit-item.ts';
import { createAuditEvent, type AuditEvent } from '../../../shared/domain/audit/event.ts';

const events = Array.from({ length: 6 }, (_, n) => createAuditEvent({ tenant: 't', type: 'siem.test', actor: { kind: 'system' }, outcome: 'success', details: { n } }));
const records: StreamRecord[] = events.map((event, i) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(100 + i), NewImage: marshall(auditItem(event, 1), { removeUndefinedValues: true }) as never } }));

/** The stream (the stand-in for the Pipe's source), with faults: the first `throttled` polls fail as a throttled service would. */
function stream(throttled: number): ReturnType<typeof createStreamReader> & { polls: number } {
  const reader = {
    polls: 0,
    async poll(checkpoints: Checkpoints) {
      reader.polls++;
      if (reader.polls <= throttled) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      const after = Number(checkpoints.s1 ?? -1);
      const pending = records.filter((r) => Number(r.dynamodb!.SequenceNumber) > after).slice(0, 3);
      return pending.length ? [{ shardId: 's1', records: pending }] : [];
    },
    rewind() {},
  };
  return reader;
}

/** A sink as the consumers see events: every delivery, in order; `failing` throws for those events the given number of times. */
function sink(name: string, failing: Map<string, number> = new Map()): AuditSink & { got: string[] } {
  const got: string[] = [];
  return {
    name,
    got,
    async deliver(event: AuditEvent) {
      const left = failing.get(event.id) ?? 0;
      if (left > 0) {
        failing.set(event.id, left - 1);
        throw new Error('sink down');
      }
      got.push(event.id);
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), 'in time');
};
const once = (got: string[]) => new Set(got).size === got.length;

test('throttled polls, a sink down for a while: every event reaches every sink, once each, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const a = sink('a');
  const b = sink('b', new Map([[events[3]!.id, 2]]));
  const pipeline = startAuditPipeline({ reader: stream(3), sinks: [a, b], checkpointFile: join(dir, 'cp.json'), deadLetterFile: join(dir, 'dl.log'), pollMs: 10, maxAttempts: 6 });
  await until(() => a.got.length === 6 && b.got.length === 6);
  await pipeline.stop();
  const ids = events.map((e) => e.id);
  assert.deepEqual(a.got, ids);
  assert.deepEqual(b.got, ids, 'the failing sink got the event after its retries, and no other twice');
});

test('a crash mid-batch: after a restart from the checkpoint nothing is lost, and only the unfinished batch is delivered again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const checkpointFile = join(dir, 'cp.json');
  // The first run dies while delivering the fifth event, inside the second batch: its delivery never returns.
  const first = sink('siem');
  const dying: AuditSink = { name: 'siem', deliver: (event) => (event.id === events[4]!.id ? new Promise<void>(() => {}) : first.deliver(event)) };
  startAuditPipeline({ reader: stream(0), sinks: [dying], checkpointFile, deadLetterFile: join(dir, 'dl.log'), pollMs: 10 });
  await until(() => first.got.length === 4);
  const second = sink('siem');
  const run2 = startAuditPipeline({ reader: stream(0), sinks: [second], checkpointFile, deadLetterFile: join(dir, 'dl.log'), pollMs: 10 });
  try {
    await until(() => second.got.length === 3);
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await run2.stop();
  }
  assert.deepEqual(second.got, events.slice(3).map((e) => e.id), 'the first batch was checkpointed and not sent again; the second comes again whole');
  const view = new Set([...first.got, ...second.got]);
  assert.deepEqual([...view], events.map((e) => e.id), 'the sink’s view, de-duplicated by event id as consumers do: every event once');
  assert.ok(once(first.got) && once(second.got));
});

test('a sink that takes batches gets ten at a time; the events it did not take are retried one by one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const batches: string[][] = [];
  const one = sink('batched', new Map([[events[1]!.id, 1]]));
  const batched: AuditSink = {
    name: 'batched',
    deliver: (event) => one.deliver(event),
    async deliverMany(list) {
      batches.push(list.map((e) => e.id));
      const refused = list.filter((e) => e.id === events[1]!.id).map((e) => e.id);
      for (const e of list) if (!refused.includes(e.id)) one.got.push(e.id);
      return refused;
    },
  };
  const pipeline = startAuditPipeline({ reader: stream(0), sinks: [batched], checkpointFile: join(dir, 'cp.json'), deadLetterFile: join(dir, 'dl.log'), pollMs: 10, maxAttempts: 6 });
  try {
    await until(() => one.got.length === 6);
  } finally {
    await pipeline.stop();
  }
  assert.deepEqual(batches.map((b) => b.length), [3, 3], 'one call per polled batch');
  assert.deepEqual([...one.got].sort(), events.map((e) => e.id).sort(), 'every event once, the refused one after its retry');
});
