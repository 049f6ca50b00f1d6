import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LogoutExchange, SamlExchanges } from '../../domain/ports/saml-exchanges.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import { authTransactionKey } from './session-store.ts';
import type { TableNames } from './table-names.ts';

const logoutKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#SLO#${id}`, sk: 'SLO' });

/** Leg indexes go into update expressions: integers in range only. */
const isLegIndex = (leg: number) => Number.isInteger(leg) && leg >= 0 && leg < 100;

/** A conditional write: true when it happened, false when its condition did not hold. */
async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export function createSamlExchanges(db: DynamoDBDocumentClient, tables: TableNames): SamlExchanges {
  const T = tables.sessions;
  return {
    async openLogin(tenant, id, request, { returnTo, expiresAt, forceLogin, clientOrigin, now }) {
      await db.send(new PutCommand({ TableName: T, Item: { ...authTransactionKey(tenant, id), tenant, returnTo, samlRequest: request, forceLogin, chooseAccount: false, clientOrigin, application: request.spId, ...(request.requestedAuthnContext ? { acrValues: request.requestedAuthnContext.classRefs } : {}), createdAt: now, expiresAtMs: expiresAt, expiresAt: ttlSeconds(expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
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
    async markLegSent(tenant, id, leg, spId, requestId) {
      if (!isLegIndex(leg)) return false;
      return conditionally(db.send(new UpdateCommand({
        TableName: T, Key: logoutKey(tenant, id),
        UpdateExpression: `SET exchange.legs[${leg}].requestId = :requestId`,
        ConditionExpression: `exchange.legs[${leg}].spId = :spId AND attribute_not_exists(exchange.legs[${leg}].outcome)`,
        ExpressionAttributeValues: { ':spId': spId, ':requestId': requestId },
      })));
    },
    async recordLegOutcome(tenant, id, leg, requestId, outcome) {
      if (!isLegIndex(leg)) return false;
      return conditionally(db.send(new UpdateCommand({
        TableName: T, Key: logoutKey(tenant, id),
        UpdateExpression: `SET exchange.legs[${leg}].outcome = :outcome`,
        ConditionExpression: `exchange.legs[${leg}].requestId = :requestId AND attribute_not_exists(exchange.legs[${leg}].outcome)`,
        ExpressionAttributeValues: { ':requestId': requestId, ':outcome': outcome },
      })));
    },
    async closeLogout(tenant, id, now) {
      const { Attributes } = await db.send(new DeleteCommand({ TableName: T, Key: logoutKey(tenant, id), ReturnValues: 'ALL_OLD' }));
      const exchange = Attributes?.exchange as LogoutExchange | undefined;
      return exchange && exchange.tenant === tenant && exchange.expiresAt > now ? exchange : undefined;
    },
  };
}
