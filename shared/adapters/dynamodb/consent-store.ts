import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentStore, StoredConsent } from '../../domain/ports/consent-store.ts';
import { auditPuts } from './audit-item.ts';
import { tenantPk } from './keys.ts';
import type { TableNames } from './table-names.ts';

const consentKey = (tenant: string, userId: string, clientId: string) => ({ pk: tenantPk(tenant), sk: `CONSENT#${userId}#${clientId}` });

/** Consents in the Directory under their tenant, one item per user and client, written with their audit event. */
export function createConsentStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): ConsentStore {
  return {
    async find(tenant, userId, clientId) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.directory, Key: consentKey(tenant, userId, clientId) }));
      if (!Item || Item.tenant !== tenant) return undefined;
      const { pk: _pk, sk: _sk, ...consent } = Item;
      return consent as StoredConsent;
    },
    async save(consent, events) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tables.directory, Item: { ...consentKey(consent.tenant, consent.userId, consent.clientId), ...consent } } },
            ...auditPuts(tables.audit, events, auditRetentionDays),
          ],
        }),
      );
    },
  };
}
