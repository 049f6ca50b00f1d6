import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStore } from '../../domain/ports/idempotency-store.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

/** A claim left in progress longer than this (a crashed request) may be taken over. */
const inProgressTimeoutMs = 60_000;

/** The scope begins with the tenant (ARCHITECTURE §5); the caller's key is kept only as a hash. */
const keyOf = (scope: string, key: string) => ({ pk: `${scope}#IDEMPOTENCY#${createHash('sha256').update(key).digest('base64url')}`, sk: 'IDEMPOTENCY' });

export function createIdempotencyStore(db: DynamoDBDocumentClient, tables: TableNames): IdempotencyStore {
  const T = tables.sessions;
  return {
    async claim(scope, key, fingerprint, now, expiresAt) {
      try {
        await db.send(
          new PutCommand({
            TableName: T,
            Item: { ...keyOf(scope, key), fingerprint, status: 'in_progress', claimedAt: now, expiresAt: ttlSeconds(expiresAt), expiresAtMs: expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR (#status = :progress AND claimedAt < :stale)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':now': now, ':progress': 'in_progress', ':stale': now - inProgressTimeoutMs },
          }),
        );
        return { state: 'claimed' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: keyOf(scope, key), ConsistentRead: true }));
      if (!Item) return { state: 'in_progress' };
      if (Item.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (Item.status === 'completed') return { state: 'completed', response: Item.response };
      return { state: 'in_progress' };
    },
    async complete(scope, key, response) {
      await db.send(new UpdateCommand({ TableName: T, Key: keyOf(scope, key), UpdateExpression: 'SET #status = :done, #response = :response', ExpressionAttributeNames: { '#status': 'status', '#response': 'response' }, ExpressionAttributeValues: { ':done': 'completed', ':response': response } }));
    },
    async release(scope, key) {
      await db.send(new DeleteCommand({ TableName: T, Key: keyOf(scope, key), ConditionExpression: '#status = :progress', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':progress': 'in_progress' } })).catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    },
  };
}
