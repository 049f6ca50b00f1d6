import { BatchWriteCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { namesPerson, pseudonymized, pseudonymOf } from '../../domain/audit/pseudonyms.ts';
import type { PersonalData, PersonalDataItem, PersonalIdentifiers } from '../../domain/ports/personal-data.ts';
import { auditItem, eventFromAuditItem } from './audit-item.ts';
import { tenantPk } from './keys.ts';
import type { TableNames } from './table-names.ts';

type Item = Record<string, unknown>;

/** The attributes of an item (keys included) whose string values name the person, at any depth (JSON-encoded audit details too). */
function namingAttributes(item: Item, who: PersonalIdentifiers): string[] {
  const names = (value: unknown): boolean => {
    if (typeof value === 'string') {
      if (namesPerson(value, who)) return true;
      if (!value.startsWith('{') && !value.startsWith('[')) return false;
      try {
        return names(JSON.parse(value));
      } catch {
        return false;
      }
    }
    if (Array.isArray(value)) return value.some(names);
    if (value instanceof Set) return [...value].some(names);
    if (value !== null && typeof value === 'object') return Object.values(value as Item).some(names);
    return false;
  };
  return Object.entries(item).filter(([, value]) => names(value)).map(([name]) => name);
}

/** The person's own items: keyed by their id, or holding it as their user id. */
const ownedBy = (item: Item, userId: string) => String(item.sk).includes(userId) || String(item.pk).includes(userId) || item.userId === userId || item.id === userId;

/** An item with each string naming the person replaced by its pseudonym (keys kept). */
function pseudonymizedItem(key: Buffer, tenant: string, item: Item, who: PersonalIdentifiers): Item {
  const map = (value: unknown): unknown => {
    if (typeof value === 'string') return namesPerson(value, who) ? pseudonymOf(key, tenant, value) : value;
    if (Array.isArray(value)) return value.map(map);
    if (value !== null && typeof value === 'object' && !(value instanceof Set)) return Object.fromEntries(Object.entries(value as Item).map(([k, v]) => [k, map(v)]));
    return value;
  };
  const { pk, sk, ...rest } = item;
  return { pk, sk, ...(map(rest) as Item) };
}

/**
 * Reads every item of the tenant in each table: the Directory and Audit partitions by Query,
 * the Sessions and SessionIndex tables (keyed by session, code, token hash, rate bucket) by a
 * filtered Scan. An erasure is rare and thorough; it is not on any request's hot path.
 */
export function createPersonalData(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): PersonalData {
  async function* query(table: string, pk: string): AsyncGenerator<Item> {
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey }));
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  async function* scan(table: string, tenant: string): AsyncGenerator<Item> {
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db.send(new ScanCommand({
        TableName: table, ConsistentRead: true, ExclusiveStartKey,
        // This tenant's items, and rate buckets (keyed by what they count, not by tenant).
        FilterExpression: 'begins_with(pk, :tenant) OR #tenant = :id OR begins_with(pk, :rate)',
        ExpressionAttributeNames: { '#tenant': 'tenant' },
        ExpressionAttributeValues: { ':tenant': `${tenantPk(tenant)}#`, ':id': tenant, ':rate': 'RATE#' },
      }));
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  async function* personal(items: AsyncGenerator<Item>): AsyncGenerator<Item> {
    for await (const item of items) if (/^(EVENT|ACTIVE)#/.test(String(item.sk))) yield item;
  }
  const sources = (tenant: string): Array<[PersonalDataItem['table'], string, () => AsyncGenerator<Item>]> => [
    ['directory', tables.directory, () => query(tables.directory, tenantPk(tenant))],
    ['sessions', tables.sessions, () => scan(tables.sessions, tenant)],
    ['sessionIndex', tables.sessionIndex, () => scan(tables.sessionIndex, tenant)],
    // Of the audit partition, events and activity markers can name a person; digests, counters and their markers never do.
    ['audit', tables.audit, () => personal(query(tables.audit, tenantPk(tenant)))],
  ];
  async function find(tenant: string, who: PersonalIdentifiers): Promise<Array<PersonalDataItem & { item: Item; tableName: string }>> {
    const found = [];
    for (const [table, tableName, items] of sources(tenant)) {
      for await (const item of items()) {
        const attributes = namingAttributes(item, who);
        if (attributes.length) found.push({ table, tableName, pk: String(item.pk), sk: String(item.sk), attributes, item });
      }
    }
    return found;
  }
  async function deleteAll(tableName: string, keys: Array<{ pk: string; sk: string }>) {
    for (let i = 0; i < keys.length; i += 25) {
      let pending = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; pending.length && attempt < 8; attempt++) {
        const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (UnprocessedItems?.[tableName] ?? []) as typeof pending;
        if (pending.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
      if (pending.length) throw new Error(`erasure: ${pending.length} items of ${tableName} could not be deleted`);
    }
  }
  return {
    async find(tenant, who) {
      return (await find(tenant, who)).map(({ table, pk, sk, attributes }) => ({ table, pk, sk, attributes }));
    },
    async erase(tenant, who, pseudonymKey) {
      const found = await find(tenant, who);
      let deleted = 0;
      let rewritten = 0;
      const put = (TableName: string, Item: Item) => db.send(new PutCommand({ TableName, Item }));
      for (const entry of found) {
        const { table, tableName, item, sk } = entry;
        if (table === 'audit' && sk.startsWith('EVENT#')) {
          // Audit events stay, under a pseudonym.
          await put(tableName, { ...auditItem(pseudonymized(pseudonymKey, eventFromAuditItem(item), who), auditRetentionDays), expiresAt: item.expiresAt });
          rewritten++;
        } else if (table === 'directory' && !ownedBy(item, who.id)) {
          // Tenant configuration that merely names them (e.g. who last changed a flow) stays, naming a pseudonym.
          await put(tableName, pseudonymizedItem(pseudonymKey, tenant, item, who));
          rewritten++;
        } else {
          await deleteAll(tableName, [{ pk: entry.pk, sk }]);
          deleted++;
        }
      }
      return { deleted, pseudonymized: rewritten };
    },
  };
}
