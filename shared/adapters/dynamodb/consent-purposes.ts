import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentPurpose } from '../../domain/consent/consent-purpose.ts';
import type { ConsentPurposeRegistry } from '../../domain/ports/consent-purposes.ts';
import type { TableNames } from './table-names.ts';
import { versionedItems } from './versioned-items.ts';

export function createConsentPurposeRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): ConsentPurposeRegistry {
  return versionedItems<ConsentPurpose>(db, tables, auditRetentionDays, 'PURPOSE#');
}
