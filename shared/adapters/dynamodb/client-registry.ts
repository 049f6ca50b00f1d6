import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPage } from './listing.ts';
import type { OAuthClient } from '../../domain/oauth/client.ts';
import type { ClientRegistry } from '../../domain/ports/client-registry.ts';
import { auditPuts } from './audit-item.ts';
import { clientSk, conditionalWrite, tenantPk } from './keys.ts';
import type { TableNames } from './table-names.ts';

const clientOf = (item: Record<string, unknown>): OAuthClient => {
  const { pk: _pk, sk: _sk, ...client } = item;
  return client as unknown as OAuthClient;
};

export const clientItem = (client: OAuthClient) => ({ pk: tenantPk(client.tenant), sk: clientSk(client.clientId), ...client });

export function createClientRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): ClientRegistry {
  return {
    async get(tenant, clientId) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.directory, Key: { pk: tenantPk(tenant), sk: clientSk(clientId) } }));
      if (!Item || Item.tenant !== tenant) return undefined;
      return clientOf(Item);
    },
    async list(tenant, page) {
      const result = await queryPage(db, tables.directory, tenantPk(tenant), clientSk(''), page);
      return { ...result, items: result.items.map(clientOf) };
    },
    async create(client, events) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tables.directory, Item: clientItem(client), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...auditPuts(tables.audit, events, auditRetentionDays),
          ],
        }),
      );
    },
    async replace(client, events) {
      return conditionalWrite(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tables.directory, Item: clientItem(client), ConditionExpression: 'attribute_exists(pk)' } },
              ...auditPuts(tables.audit, events, auditRetentionDays),
            ],
          }),
        ),
      );
    },
    async remove(tenant, clientId, events) {
      return conditionalWrite(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: tables.directory, Key: { pk: tenantPk(tenant), sk: clientSk(clientId) }, ConditionExpression: 'attribute_exists(pk)' } },
              ...auditPuts(tables.audit, events, auditRetentionDays),
            ],
          }),
        ),
      );
    },
  };
}
