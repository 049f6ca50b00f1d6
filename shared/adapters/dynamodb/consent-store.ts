import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsentStore, StoredConsent, StoredReceipt } from '../../domain/ports/consent-store.ts';
import { queryAll } from './listing.ts';
import { auditPuts } from './audit-item.ts';
import { tenantPk } from './keys.ts';
import type { TableNames } from './table-names.ts';

const consentKey = (tenant: string, userId: string, clientId: string) => ({ pk: tenantPk(tenant), sk: `CONSENT#${userId}#${clientId}` });
const receiptKey = (tenant: string, userId: string, id: string) => ({ pk: tenantPk(tenant), sk: `CONSENTRECEIPT#${userId}#${id}` });

const receiptOf = (item: Record<string, unknown>): StoredReceipt => {
  const { pk: _pk, sk: _sk, ...receipt } = item;
  return receipt as unknown as StoredReceipt;
};

/** Consents in the Directory under their tenant, one item per user and client, written with their audit event. */
export function createConsentStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): ConsentStore {
  return {
    async find(tenant, userId, clientId) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.directory, Key: consentKey(tenant, userId, clientId) }));
      if (!Item || Item.tenant !== tenant) return undefined;
      const { pk: _pk, sk: _sk, ...consent } = Item;
      return consent as StoredConsent;
    },
    async save(consent, events, receipt) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tables.directory, Item: { ...consentKey(consent.tenant, consent.userId, consent.clientId), ...consent } } },
            ...(receipt ? [{ Put: { TableName: tables.directory, Item: { ...receiptKey(receipt.tenant, receipt.userId, receipt.id), ...receipt }, ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
            ...auditPuts(tables.audit, events, auditRetentionDays),
          ],
        }),
      );
    },
    async list(tenant, userId) {
      const items = await queryAll(db, { TableName: tables.directory, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `CONSENT#${userId}#` } });
      return items.map(({ pk: _pk, sk: _sk, ...consent }) => consent as unknown as StoredConsent);
    },
    async receipts(tenant, userId) {
      const items = await queryAll(db, { TableName: tables.directory, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `CONSENTRECEIPT#${userId}#` } });
      return items.map(receiptOf).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
    },
    async receipt(tenant, userId, id) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.directory, Key: receiptKey(tenant, userId, id) }));
      return Item && Item.tenant === tenant && Item.userId === userId ? receiptOf(Item) : undefined;
    },
  };
}
