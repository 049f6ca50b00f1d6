import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LogoutExchange, SamlExchanges } from '../../domain/ports/saml-exchanges.ts';
import { ttlSeconds } from './keys.ts';
import { authTransactionKey } from './session-store.ts';
import type { TableNames } from './table-names.ts';

const logoutKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#SLO#${id}`, sk: 'SLO' });

export function createSamlExchanges(db: DynamoDBDocumentClient, tables: TableNames): SamlExchanges {
  const T = tables.sessions;
  return {
    async openLogin(tenant, id, request, { returnTo, expiresAt, forceLogin, clientOrigin, now }) {
      await db.send(new PutCommand({ TableName: T, Item: { ...authTransactionKey(tenant, id), tenant, returnTo, samlRequest: request, forceLogin, chooseAccount: false, clientOrigin, application: request.spId, createdAt: now, expiresAtMs: expiresAt, expiresAt: ttlSeconds(expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async findLogin(tenant, id, now) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: authTransactionKey(tenant, id), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant || Item.expiresAtMs <= now || !Item.samlRequest) return undefined;
      return { request: Item.samlRequest, createdAt: Item.createdAt };
    },
    async closeLogin(tenant, id) {
      await db.send(new DeleteCommand({ TableName: T, Key: authTransactionKey(tenant, id) }));
    },
    async saveLogout(exchange) {
      await db.send(new PutCommand({ TableName: T, Item: { ...logoutKey(exchange.tenant, exchange.id), exchange, expiresAtMs: exchange.expiresAt, expiresAt: ttlSeconds(exchange.expiresAt) } }));
    },
    async findLogout(tenant, id, now) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: logoutKey(tenant, id), ConsistentRead: true }));
      const exchange = Item?.exchange as LogoutExchange | undefined;
      return exchange && exchange.tenant === tenant && exchange.expiresAt > now ? exchange : undefined;
    },
    async closeLogout(tenant, id) {
      await db.send(new DeleteCommand({ TableName: T, Key: logoutKey(tenant, id) }));
    },
  };
}
