import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionToken, ActionTokens } from '../../domain/ports/action-tokens.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

const tokenKey = (tenant: string, hash: string) => ({ pk: `TENANT#${tenant}#ACTION#${hash}`, sk: 'ACTION' });

const live = (item: Record<string, unknown> | undefined, tenant: string, purposes: readonly string[], now: number): ActionToken | undefined =>
  item && item.tenant === tenant && purposes.includes(String(item.purpose)) && Number(item.expiresAtMs) > now
    ? { tenant, userId: String(item.userId), purpose: item.purpose as ActionToken['purpose'], expiresAt: Number(item.expiresAtMs) }
    : undefined;

export function createActionTokens(db: DynamoDBDocumentClient, tables: TableNames): ActionTokens {
  const T = tables.sessions;
  return {
    async issue(hash, token) {
      await db.send(new PutCommand({ TableName: T, Item: { ...tokenKey(token.tenant, hash), tenant: token.tenant, userId: token.userId, purpose: token.purpose, expiresAtMs: token.expiresAt, expiresAt: ttlSeconds(token.expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async peek(tenant, hash, purposes, now) {
      return live((await db.send(new GetCommand({ TableName: T, Key: tokenKey(tenant, hash), ConsistentRead: true }))).Item, tenant, purposes, now);
    },
    async consume(tenant, hash, purposes, now) {
      try {
        const { Attributes } = await db.send(new DeleteCommand({ TableName: T, Key: tokenKey(tenant, hash), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
        return live(Attributes, tenant, purposes, now);
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}
