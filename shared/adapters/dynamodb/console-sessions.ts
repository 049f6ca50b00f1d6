import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsoleSession, ConsoleSessions } from '../../domain/ports/console-sessions.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

const key = (tenant: string, idHash: string) => ({ pk: `TENANT#${tenant}#CONSOLE#${idHash}`, sk: 'CONSOLE' });

/** Console sessions in the Sessions table, expiring (TTL) at the earlier of their idle and absolute expiry. */
export function createConsoleSessions(db: DynamoDBDocumentClient, tables: TableNames): ConsoleSessions {
  const T = tables.sessions;
  return {
    async create(session) {
      await db.send(new PutCommand({ TableName: T, Item: { ...key(session.tenant, session.idHash), ...session, expiresAt: ttlSeconds(Math.min(session.idleExpiresAt, session.absoluteExpiresAt)) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async find(tenant, idHash, now) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: key(tenant, idHash), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant || Item.idleExpiresAt <= now || Item.absoluteExpiresAt <= now) return undefined;
      const { pk: _pk, sk: _sk, expiresAt: _e, ...session } = Item;
      return session as ConsoleSession;
    },
    async touch(session, idleExpiresAt) {
      await db.send(new UpdateCommand({
        TableName: T, Key: key(session.tenant, session.idHash), ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression: 'SET idleExpiresAt = :idle, expiresAt = :ttl', ExpressionAttributeValues: { ':idle': idleExpiresAt, ':ttl': ttlSeconds(Math.min(idleExpiresAt, session.absoluteExpiresAt)) },
      })).catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    },
    async end(tenant, idHash) {
      await db.send(new DeleteCommand({ TableName: T, Key: key(tenant, idHash) }));
    },
  };
}
