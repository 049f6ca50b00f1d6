import { pseudonymOf } from '../../shared/domain/audit/pseudonyms.ts';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { eventFromAuditItem } from '../../shared/adapters/dynamodb/audit-item.ts';
import { createSiemDelivery, SiemDeliveryFailed, type SiemDelivery } from '../../shared/domain/audit/siem-delivery.ts';
import type { SiemSink } from '../../shared/domain/audit/siem-sink.ts';
import type { SiemSinkRegistry } from '../../shared/domain/ports/siem-sinks.ts';
import { eventsCountedAtOnce } from '../../shared/domain/ports/audit-log.ts';
import type { AuditEvent } from '../../shared/domain/audit/event.ts';
import { counterChange, type CounterChange } from '../../shared/domain/audit/counters.ts';
import { sealDigests } from '../../shared/domain/audit/integrity.ts';
import { createSecureVault } from '../../shared/domain/secrets/secure-vault.ts';
import { observability } from '../../shared/http/observability.ts';

/** A scheduler's invocation (EventBridge Scheduler, or the local timer); `now` only from tests. */
interface ScheduledRun {
  readonly source?: string;
  readonly now?: string;
}

/** The bus event the Pipe made of an Audit stream record, as the rule's SQS target holds it. */
interface AuditBusEvent {
  readonly detail?: { readonly eventName?: string; readonly dynamodb?: { readonly NewImage?: Record<string, AttributeValue> } };
}

/** The audit event an SQS message carries, or undefined for anything that is not an inserted audit item. */
export function auditEventOf(record: Pick<SQSRecord, 'body'>): AuditEvent | undefined {
  const message = JSON.parse(record.body) as AuditBusEvent;
  const image = message.detail?.dynamodb?.NewImage;
  // Digests live beside the events (sk DIGEST#…): they are not events.
  if (message.detail?.eventName !== 'INSERT' || !image || !image.sk?.S?.startsWith('EVENT#')) return undefined;
  return eventFromAuditItem(unmarshall(image));
}

/**
 * The audit function. As the consumer (bus rule ─▶ SQS ─▶ this function) each event goes to its tenant's SIEM
 * sinks. A message whose sinks did not all take it is reported as a batch item failure, so SQS
 * delivers it again (sinks that took it are skipped) and, after its last attempt, moves it to the
 * dead-letter queue. On its hourly schedule it seals the tenants' closed hours into signed
 * digests (tamper evidence). The local runtime's pipeline and timer invoke this same handler.
 */
export function createAuditFunction(deps: () => PlatformPorts) {
  const { logger, metrics, tracer } = observability('audit');
  const processor = new BatchProcessor(EventType.SQS);
  let delivery: SiemDelivery | undefined;

  /** What an event adds to the counters; active users under their pseudonym: the counters never hold who (nothing to erase there). */
  const changeOf = async (ports: PlatformPorts, event: AuditEvent) => {
    const change = counterChange(event);
    return change?.activeUser ? { ...change, activeUser: pseudonymOf(await ports.platformSecrets.get('audit-pseudonym'), event.tenant, change.activeUser) } : change;
  };

  /**
   * The batch's events counted in one transaction, before any is delivered: the ids counted. None
   * when an event of it was counted already (a redelivered batch) or the write failed: then each
   * record counts its own event, as it is processed.
   */
  const countBatch = async (records: readonly SQSRecord[]): Promise<Set<string>> => {
    try {
      const ports = deps();
      const changes: Array<{ tenant: string; eventId: string; change: CounterChange }> = [];
      for (const record of records) {
        let event: AuditEvent | undefined;
        try {
          event = auditEventOf(record);
        } catch {
          continue; // A broken message fails on its own, as its record is processed.
        }
        const change = event ? await changeOf(ports, event) : undefined;
        if (event && change) changes.push({ tenant: event.tenant, eventId: event.id, change });
      }
      // A bigger batch than one transaction holds counts event by event.
      if (changes.length < 2 || changes.length > eventsCountedAtOnce) return new Set();
      return (await ports.auditCounters.applyAll(changes)) ? new Set(changes.map((c) => c.eventId)) : new Set();
    } catch (error) {
      logger.warn('counting the batch in one transaction failed; counting event by event', { error });
      return new Set();
    }
  };

  /**
   * Each tenant's sinks, read once per batch: every event of the batch was recorded before the
   * read, so a sink added meanwhile misses none of the events recorded after it. A failed read is
   * tried again by the next record.
   */
  const sinksOfBatch = (ports: PlatformPorts): Pick<SiemSinkRegistry, 'all'> => {
    const read = new Map<string, Promise<SiemSink[]>>();
    return {
      all(tenant) {
        let sinks = read.get(tenant);
        if (!sinks) {
          sinks = ports.siemSinks.all(tenant);
          read.set(tenant, sinks);
          sinks.catch(() => read.delete(tenant));
        }
        return sinks;
      },
    };
  };

  const deliverRecord = async (record: SQSRecord, counted: ReadonlySet<string>, sinks: Pick<SiemSinkRegistry, 'all'>) => {
    const ports = deps();
    delivery ??= createSiemDelivery({ siemSinks: ports.siemSinks, siemDeliveries: ports.siemDeliveries, vault: createSecureVault(ports.keyVault), post: ports.siemPost });
    const event = auditEventOf(record);
    if (!event) return;
    const change = counted.has(event.id) ? undefined : await changeOf(ports, event);
    // Counted once per event id, before the SIEM delivery: a retry for a failed sink does not count again.
    if (change) await ports.auditCounters.apply(event.tenant, event.id, change);
    typesInBatch.set(event.type, (typesInBatch.get(event.type) ?? 0) + 1);
    try {
      await delivery.deliver(event, sinks);
    } catch (error) {
      if (error instanceof SiemDeliveryFailed) {
        metrics.addMetric('SiemDeliveryFailures', MetricUnit.Count, error.failures.length);
        // The reasons name sinks and HTTP statuses only; the event's own content is not logged.
        logger.warn('SIEM delivery failed', { tenant: event.tenant, eventId: event.id, failures: error.failures });
      }
      throw error;
    }
  };

  /** The hourly schedule: every active tenant's closed hours get their signed digests. */
  const sealAll = async (now: number) => {
    const ports = deps();
    const retentionDays = Number(process.env.AUDIT_RETENTION_DAYS ?? 365);
    let tenants = 0;
    let periods = 0;
    let failed = 0;
    for await (const tenant of ports.tenants.listTenants()) {
      if (tenant.status !== 'active') continue;
      tenants++;
      try {
        periods += await sealDigests({ digests: ports.auditDigests, keys: ports.keys, retentionDays, pseudonymKey: await ports.platformSecrets.get('audit-pseudonym') }, tenant.id, now);
      } catch (error) {
        failed++;
        logger.error('sealing audit digests failed', { tenant: tenant.id, error });
      }
    }
    metrics.addMetric('AuditPeriodsSealed', MetricUnit.Count, periods);
    if (failed > 0) throw new Error(`sealing audit digests failed for ${failed} of ${tenants} tenants`);
    return { tenants, periods };
  };

  /** Events per type, as CloudWatch metrics (EMF) for the dashboard: one metric per type and batch. */
  const typesInBatch = new Map<string, number>();
  const publishTypeCounts = () => {
    for (const [type, count] of typesInBatch) {
      const metric = metrics.singleMetric();
      metric.addDimension('eventType', type);
      metric.addMetric('AuditEvents', MetricUnit.Count, count);
    }
    typesInBatch.clear();
  };

  const handle = async (event: SQSEvent | ScheduledRun, context: Context) => {
    if (!('Records' in event)) return sealAll(event.now ? Date.parse(event.now) : Date.now());
    try {
      const counted = await countBatch(event.Records);
      const sinks = sinksOfBatch(deps());
      return await processPartialResponse(event, (record: SQSRecord) => deliverRecord(record, counted, sinks), processor, { context });
    } finally {
      publishTypeCounts();
    }
  };
  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics)).use(captureLambdaHandler(tracer));
}
