import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { eventFromAuditItem } from '../../shared/adapters/dynamodb/audit-item.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import type { AuditEvent } from '../../shared/domain/audit/event.ts';

/** Every audit event recorded for a tenant so far, read straight from the Audit table (not the counters and digests beside them). */
export async function auditEventsOf(slug: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await createDocumentClient().send(new QueryCommand({ TableName: 'Audit', KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)', ExpressionAttributeValues: { ':pk': `TENANT#${slug}`, ':events': 'EVENT#' }, ConsistentRead: true, ExclusiveStartKey }));
    events.push(...(page.Items ?? []).map(eventFromAuditItem));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return events;
}
