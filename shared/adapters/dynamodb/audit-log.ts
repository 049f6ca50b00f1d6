import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { AuditLog } from '../../domain/ports/audit-log.ts';
import { auditItem } from './audit-item.ts';

export function createAuditLog(client: DynamoDBDocumentClient, tableName: string, retentionDays: number): AuditLog {
  return {
    async record(event: AuditEvent) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: auditItem(event, retentionDays),
          // An event id is written once; a retried request must not overwrite the original.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}
