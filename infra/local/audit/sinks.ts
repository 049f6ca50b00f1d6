import { appendFile } from 'node:fs/promises';
import { marshall } from '@aws-sdk/util-dynamodb';
import { auditItem } from '../../../shared/adapters/dynamodb/audit-item.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';
import { auditEventDetailType, auditEventSource } from '../../constructs/audit-pipeline.ts';

export interface AuditSink {
  readonly name: string;
  deliver(event: AuditEvent): Promise<void>;
  /** Several events at once (at most ten); answers the ids it did not take. */
  deliverMany?(events: readonly AuditEvent[]): Promise<string[]>;
}

/** The stand-in for the CloudWatch audit log group: one JSON line per event. */
export function logFileSink(path: string): AuditSink {
  return {
    name: 'cloudwatch-logs',
    deliver: (event) => appendFile(path, `${JSON.stringify(event)}\n`),
  };
}

/** The stand-in for the SIEM API destination: a real HTTP POST in Splunk HEC's event format. */
export function siemSink(url: string, fetchImpl: typeof fetch = fetch): AuditSink {
  return {
    name: 'siem',
    async deliver(event) {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-idp-event-id': event.id },
        body: JSON.stringify({ time: Date.parse(event.time) / 1000, source: 'identity-platform', sourcetype: '_json', event }),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`SIEM answered ${response.status}`);
    },
  };
}

/**
 * The tenants' own SIEM sinks: the audit function's handler invoked as the rule's SQS target
 * would invoke it, one message per event; a batch item failure makes this sink fail so the
 * pipeline retries, then dead-letters, the event.
 */
export function tenantSiemSink(invoke: (event: unknown) => Promise<unknown>, retentionDays: number): AuditSink {
  const message = (event: AuditEvent) => {
    const detail = { eventName: 'INSERT', dynamodb: { NewImage: marshall(auditItem(event, retentionDays), { removeUndefinedValues: true }) } };
    return { messageId: event.id, body: JSON.stringify({ source: auditEventSource, 'detail-type': auditEventDetailType, detail }), attributes: {}, messageAttributes: {}, eventSource: 'aws:sqs' };
  };
  const failedOf = async (events: readonly AuditEvent[]) => {
    const result = (await invoke({ Records: events.map(message) })) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
    return (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  };
  return {
    name: 'tenant-siem',
    deliverMany: failedOf,
    async deliver(event) {
      if ((await failedOf([event])).length) throw new Error('the audit function reported the event as failed');
    },
  };
}
