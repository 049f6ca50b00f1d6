import { appendFile } from 'node:fs/promises';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';

export interface AuditSink {
  readonly name: string;
  deliver(event: AuditEvent): Promise<void>;
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
