import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor, type Page, type PageRequest } from '../../domain/ports/pages.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

export const keyOf = (item: Item): Key => ({ pk: String(item.pk), sk: String(item.sk) });

/**
 * One page of the items of partition `pk` whose sort key begins with `skPrefix`, in sort-key order.
 * The cursor is the key of the page's last item (base64url JSON, as cursor.ts makes it), given only
 * when another item follows, so the last page never comes back empty. A cursor that does not decode,
 * names another partition or lies outside this listing raises InvalidCursor.
 */
export async function queryPage(db: DynamoDBDocumentClient, table: string, pk: string, skPrefix: string, page: PageRequest): Promise<Page<Item>> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 200) throw new RangeError(`page limit must be 1–200, not ${page.limit}`);
  const start = decodeCursor(page.cursor, pk);
  if (start && (Object.keys(start).sort().join() !== 'pk,sk' || !start.sk!.startsWith(skPrefix))) throw new InvalidCursor('The cursor belongs to another listing');
  // One item more than asked tells whether there is a next page.
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      Limit: page.limit + 1,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items = Items.slice(0, page.limit);
  // Past the limit, or cut short by DynamoDB's 1 MB page: more may follow the last item returned.
  const more = Items.length > page.limit || (LastEvaluatedKey !== undefined && items.length > 0);
  const cursor = more ? encodeCursor(keyOf(items.at(-1)!)) : undefined;
  return { items, ...(cursor ? { cursor } : {}) };
}

/** Every item a query finds, following its pages. */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));

/** Deletes the items with these keys, 25 a request, again for those DynamoDB left unprocessed. */
export async function batchDelete(db: DynamoDBDocumentClient, table: string, keys: readonly Key[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      if (attempt > 10) throw new Error(`batch delete in ${table}: items left unprocessed`);
      const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

/** The items with these keys that exist (in no particular order), 100 a request, strongly consistent. */
export async function batchGet(db: DynamoDBDocumentClient, table: string, keys: readonly Key[]): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      if (attempt > 10) throw new Error(`batch get in ${table}: keys left unprocessed`);
      const { Responses, UnprocessedKeys } = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}
