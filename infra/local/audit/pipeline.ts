import { existsSync, readFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { eventFromAuditItem } from '../../../shared/adapters/dynamodb/audit-item.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';
import type { AuditSink } from './sinks.ts';
import type { Checkpoints, StreamRecord, createStreamReader } from './stream-reader.ts';

export interface PipelineOptions {
  readonly reader: ReturnType<typeof createStreamReader>;
  readonly sinks: readonly AuditSink[];
  readonly checkpointFile: string;
  readonly deadLetterFile: string;
  readonly pollMs: number;
  /** Attempts per event and sink before it goes to the dead-letter file. */
  readonly maxAttempts?: number;
  readonly onError?: (error: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function eventOf(record: StreamRecord): AuditEvent | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  // Only events: the hourly digests stored beside them (sk DIGEST#…) are not streamed on, as the Pipe's filter does in AWS.
  if (!(record.dynamodb.NewImage as Record<string, AttributeValue>).sk?.S?.startsWith('EVENT#')) return undefined;
  return eventFromAuditItem(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
}

/**
 * The local twin of Audit stream → Pipe → bus → rules: every inserted event reaches every
 * sink at least once, in order per shard; the checkpoint advances only after all sinks
 * took a record, and each sink skips event ids it has already taken.
 */
export function startAuditPipeline(options: PipelineOptions) {
  const maxAttempts = options.maxAttempts ?? 6;
  const checkpoints: Checkpoints = existsSync(options.checkpointFile)
    ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Checkpoints)
    : {};
  const delivered = new Map(options.sinks.map((sink) => [sink.name, new Set<string>()]));
  let running = true;
  let idle: (() => void) | undefined;

  async function saveCheckpoints() {
    const tmp = `${options.checkpointFile}.tmp`;
    await writeFile(tmp, JSON.stringify(checkpoints));
    await rename(tmp, options.checkpointFile);
  }

  async function deliver(sink: AuditSink, event: AuditEvent) {
    const seen = delivered.get(sink.name)!;
    if (seen.has(event.id)) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await sink.deliver(event);
        break;
      } catch (error) {
        if (attempt >= maxAttempts || !running) {
          await appendFile(options.deadLetterFile, `${JSON.stringify({ sink: sink.name, reason: String(error), event })}\n`);
          break;
        }
        await sleep(Math.min(200 * 2 ** attempt, 5000));
      }
    }
    seen.add(event.id);
    if (seen.size > 10_000) seen.delete(seen.values().next().value!);
  }

  /**
   * A batch to one sink: ten at a time to a sink that takes batches (as SQS hands the audit
   * function up to ten messages), the ones it did not take then one by one with retries; in
   * order, one by one, to the others.
   */
  async function deliverAll(sink: AuditSink, events: readonly AuditEvent[]) {
    const seen = delivered.get(sink.name)!;
    const pending = events.filter((e) => !seen.has(e.id));
    if (!sink.deliverMany) {
      for (const event of pending) await deliver(sink, event);
      return;
    }
    for (let i = 0; i < pending.length; i += 10) {
      const chunk = pending.slice(i, i + 10);
      const failed = new Set(await sink.deliverMany(chunk).catch(() => chunk.map((e) => e.id)));
      for (const event of chunk) {
        if (failed.has(event.id)) await deliver(sink, event);
        else seen.add(event.id);
      }
    }
  }

  const loop = (async () => {
    while (running) {
      try {
        for (const { shardId, records } of await options.reader.poll(checkpoints)) {
          const events: AuditEvent[] = [];
          for (const record of records) {
            try {
              const event = eventOf(record);
              if (event) events.push(event);
            } catch (error) {
              // A record that cannot be read would block its shard forever: set it aside.
              await appendFile(options.deadLetterFile, `${JSON.stringify({ reason: `unreadable: ${String(error)}`, record })}\n`);
            }
          }
          for (const sink of options.sinks) await deliverAll(sink, events);
          checkpoints[shardId] = records.at(-1)!.dynamodb!.SequenceNumber!;
          await saveCheckpoints();
        }
      } catch (error) {
        if (running) options.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        idle = resolve;
        setTimeout(resolve, options.pollMs);
      });
    }
  })();

  return {
    async stop() {
      running = false;
      idle?.();
      await loop;
    },
  };
}
