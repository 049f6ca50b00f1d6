import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoginState, LoginStates } from '../../domain/ports/login-state.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

const loginKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#LOGIN#${id}`, sk: 'LOGIN' });

export function createLoginStates(db: DynamoDBDocumentClient, tables: TableNames): LoginStates {
  const T = tables.sessions;
  const item = (state: LoginState) => ({ ...loginKey(state.tenant, state.id), ...state, expiresAtMs: state.expiresAt, expiresAt: ttlSeconds(state.expiresAt) });
  return {
    async create(state) {
      await db.send(new PutCommand({ TableName: T, Item: item(state), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async find(tenant, id, now) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: loginKey(tenant, id), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant || Number(Item.expiresAtMs) <= now) return undefined;
      const { pk: _pk, sk: _sk, expiresAt: _e, expiresAtMs, ...state } = Item;
      return { ...state, expiresAt: Number(expiresAtMs) } as unknown as LoginState;
    },
    async update(state, expectedFailures) {
      try {
        await db.send(new PutCommand({ TableName: T, Item: item(state), ConditionExpression: 'attribute_exists(pk) AND failures = :failures', ExpressionAttributeValues: { ':failures': expectedFailures } }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async remove(tenant, id) {
      await db.send(new DeleteCommand({ TableName: T, Key: loginKey(tenant, id) }));
    },
  };
}
