import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../../domain/ports/session-store.ts';
import { isConditionFailure } from './keys.ts';
import type { TableNames } from './table-names.ts';

type Move = 'same' | 'next' | 'fresh';

/** What a hit does to the counter item, each change guarded by the window the item is in. */
function change(move: Move, window: number, windowSeconds: number) {
  const ttl = (window + 2) * windowSeconds;
  switch (move) {
    // Still this window (or a later one, counted by an instance whose clock runs ahead).
    case 'same':
      return { UpdateExpression: 'ADD hits :one', ConditionExpression: 'countedWindow >= :w', ExpressionAttributeValues: { ':one': 1, ':w': window } };
    // The item counted the window just before this one: its hits become the previous window's.
    case 'next':
      return {
        UpdateExpression: 'SET previousHits = hits, hits = :one, countedWindow = :w, expiresAt = :ttl',
        ConditionExpression: 'countedWindow = :previous',
        ExpressionAttributeValues: { ':one': 1, ':w': window, ':previous': window - 1, ':ttl': ttl },
      };
    // A key not seen for two windows or more (or never).
    case 'fresh':
      return {
        UpdateExpression: 'SET previousHits = :zero, hits = :one, countedWindow = :w, expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(countedWindow) OR countedWindow < :previous',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':w': window, ':previous': window - 1, ':ttl': ttl },
      };
  }
}

/** The order to try the moves in, from the window this instance last saw the key in. */
function likelyMoves(lastSeen: number | undefined, window: number): readonly Move[] {
  if (lastSeen === window) return ['same', 'next', 'fresh', 'same'];
  if (lastSeen === window - 1) return ['next', 'same', 'fresh', 'same'];
  return ['fresh', 'same', 'next', 'same'];
}

/** Enough keys to remember the busy ones; a forgotten key costs one guess more, nothing else. */
const rememberedKeys = 10_000;

/**
 * Sliding-window counters in the Sessions table (the two-window estimate): this window's
 * hits plus the previous window's, weighted by how much of it still overlaps, so a burst
 * cannot double its allowance by straddling a window boundary. One item per key holds both
 * windows, so a hit is one conditional update in the usual case (a window that rolled over
 * or a key new to this instance may take a second); counters expire with TTL.
 */
export function createRateLimiter(client: DynamoDBDocumentClient, tables: TableNames): RateLimiter {
  const lastSeen = new Map<string, number>();
  return {
    async hit(key, limit, windowSeconds, now) {
      const position = now / 1000 / windowSeconds;
      const window = Math.floor(position);
      const memo = `${key}#${windowSeconds}`;
      for (const move of likelyMoves(lastSeen.get(memo), window)) {
        try {
          const { Attributes } = await client.send(
            new UpdateCommand({ TableName: tables.sessions, Key: { pk: `RATE#${key}`, sk: `RATE#${windowSeconds}` }, ...change(move, window, windowSeconds), ReturnValues: 'ALL_NEW' }),
          );
          if (lastSeen.size >= rememberedKeys) lastSeen.clear();
          lastSeen.set(memo, window);
          const overlap = 1 - (position - window);
          const estimate = Number(Attributes?.hits ?? 1) + Number(Attributes?.previousHits ?? 0) * overlap;
          const retryAfterSeconds = Math.max(1, Math.ceil((window + 1 - position) * windowSeconds));
          return { allowed: estimate <= limit, retryAfterSeconds };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      // Only an item moved on by other callers between every guess gets here: count the caller as over.
      return { allowed: false, retryAfterSeconds: 1 };
    },
  };
}
