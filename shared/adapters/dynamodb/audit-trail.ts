import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditSearch } from '../../domain/audit/audit-query.ts';
import type { AuditEvent } from '../../domain/audit/event.ts';
import { eventsCountedAtOnce, type AuditCounters, type AuditDigests, type AuditTrail, type StoredDigest } from '../../domain/ports/audit-log.ts';
import { InvalidCursor } from '../../domain/ports/pages.ts';
import { eventFromAuditItem } from './audit-item.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { cancellationCodes, conditionFailedAt, isConditionFailure, retryOnConflict, tenantPk } from './keys.ts';
import { batchGet, queryAll } from './listing.ts';

type Item = Record<string, unknown>;

/** At most this many DynamoDB pages are read to fill one page of a filtered search; the cursor resumes after them. */
const maxReadsPerPage = 5;

/**
 * The key condition a search runs on: a subject's events (gsi2) or a type's (gsi1) in the
 * period, else the tenant's whole partition in the period; the other filters are applied to
 * what that reads.
 */
function plan(tenant: string, search: AuditSearch) {
  const base = tenantPk(tenant);
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':from': search.from, ':to': search.to };
  const names: Record<string, string> = {};
  let query: Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression'>;
  let indexKey: readonly string[] = [];
  if (search.subject !== undefined) {
    query = { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :ipk AND gsi2sk BETWEEN :from AND :to' };
    values[':ipk'] = `${base}#SUBJECT#${search.subject}`;
    indexKey = ['gsi2pk', 'gsi2sk'];
  } else if (search.type !== undefined) {
    query = { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :ipk AND gsi1sk BETWEEN :from AND :to' };
    values[':ipk'] = `${base}#TYPE#${search.type}`;
    indexKey = ['gsi1pk', 'gsi1sk'];
  } else {
    query = { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :fromKey AND :toKey' };
    Object.assign(values, { ':pk': base, ':fromKey': `EVENT#${search.from}`, ':toKey': `EVENT#${search.to}~` });
    delete values[':from'];
    delete values[':to'];
  }
  if (search.subject !== undefined && search.type !== undefined) {
    filters.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = search.type;
  }
  if (search.outcome !== undefined) {
    filters.push('#outcome = :outcome');
    names['#outcome'] = 'outcome';
    values[':outcome'] = search.outcome;
  }
  if (search.actor !== undefined) {
    filters.push('#actor.#actorId = :actor');
    Object.assign(names, { '#actor': 'actor', '#actorId': 'id' });
    values[':actor'] = search.actor;
  }
  if (search.application !== undefined) {
    filters.push('app = :app');
    values[':app'] = search.application;
  }
  return {
    input: {
      ...query,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    },
    keyAttributes: ['pk', 'sk', ...indexKey],
    indexPk: values[':ipk'] as string | undefined,
    filtered: filters.length > 0,
  };
}

export function createAuditTrail(db: DynamoDBDocumentClient, table: string): AuditTrail {
  return {
    async search(tenant, search, page) {
      const { input, keyAttributes, indexPk, filtered } = plan(tenant, search);
      let start = decodeCursor(page.cursor, tenantPk(tenant));
      if (start && (Object.keys(start).sort().join() !== [...keyAttributes].sort().join() || (indexPk !== undefined && !Object.values(start).includes(indexPk)))) {
        throw new InvalidCursor('The cursor belongs to another search');
      }
      const items: Item[] = [];
      for (let reads = 0; reads < maxReadsPerPage; reads++) {
        const result = await db.send(new QueryCommand({ TableName: table, ...input, ScanIndexForward: false, Limit: filtered ? 200 : page.limit + 1 - items.length, ...(start ? { ExclusiveStartKey: start } : {}) }));
        items.push(...(result.Items ?? []));
        start = result.LastEvaluatedKey as Record<string, string> | undefined;
        if (items.length > page.limit || !start) break;
      }
      const kept = items.slice(0, page.limit);
      const more = items.length > page.limit || start !== undefined;
      // Resume after the last event shown, or, when the filters kept fewer, after the last one read.
      const resumeAt = items.length > page.limit ? kept.at(-1) : start;
      const cursor = more && resumeAt ? encodeCursor(Object.fromEntries(keyAttributes.map((k) => [k, resumeAt[k]]))) : undefined;
      return { items: kept.map(eventFromAuditItem), ...(cursor ? { cursor } : {}) };
    },
    async eventsOfType(tenant, type, from, to, max) {
      const events: AuditEvent[] = [];
      let start: Item | undefined;
      do {
        const result = await db.send(new QueryCommand({
          TableName: table, IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :ipk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':ipk': `${tenantPk(tenant)}#TYPE#${type}`, ':from': from, ':to': to },
          Limit: Math.min(1000, max + 1 - events.length),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }));
        events.push(...(result.Items ?? []).map(eventFromAuditItem));
        start = result.LastEvaluatedKey;
      } while (start && events.length <= max);
      return { events: events.slice(0, max), truncated: events.length > max };
    },
  };
}

const digestSk = (periodStart: string, part: number) => `DIGEST#${periodStart}#${String(part).padStart(4, '0')}`;
const storedDigestOf = (item: Item): StoredDigest => ({ periodStart: String(item.periodStart), part: Number(item.part), jws: String(item.jws) });

export function createAuditDigests(db: DynamoDBDocumentClient, table: string): AuditDigests {
  const newestDigest = async (tenant: string, beforeSk?: string) => {
    const { Items = [] } = await db.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: beforeSk ? 'pk = :pk AND sk BETWEEN :prefix AND :before' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': 'DIGEST#', ...(beforeSk ? { ':before': beforeSk } : {}) },
      ScanIndexForward: false,
      Limit: 2,
      ConsistentRead: true,
    }));
    return Items.filter((item) => item.sk !== beforeSk).map(storedDigestOf)[0];
  };
  return {
    latest: (tenant) => newestDigest(tenant),
    async firstEventTime(tenant) {
      const { Items = [] } = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': 'EVENT#' }, Limit: 1, ConsistentRead: true }));
      return Items[0] ? String(Items[0].time) : undefined;
    },
    async eventsBetween(tenant, from, to) {
      const items = await queryAll(db, { TableName: table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':from': `EVENT#${from}`, ':to': `EVENT#${to}` }, ConsistentRead: true });
      // BETWEEN includes `to` itself; the period is half-open.
      return items.filter((item) => String(item.time) < to).map(eventFromAuditItem);
    },
    async save(tenant, digest, expiresAt) {
      try {
        await db.send(new PutCommand({ TableName: table, Item: { pk: tenantPk(tenant), sk: digestSk(digest.periodStart, digest.part), ...digest, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async between(tenant, from, to) {
      const items = await queryAll(db, { TableName: table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':from': digestSk(from, 0), ':to': `DIGEST#${to}` }, ConsistentRead: true });
      const digests = items.filter((item) => String(item.periodStart) < to).map(storedDigestOf);
      const before = await newestDigest(tenant, digestSk(from, 0));
      return { digests, ...(before ? { before } : {}) };
    },
  };
}

const day = 86_400;
const statsKey = (tenant: string, period: string) => ({ pk: tenantPk(tenant), sk: `STATS#${period}` });

/**
 * Counters beside the events (sk STATS#{day}, STATS#{month}, STATS#now), updated by the audit
 * consumer. Each event is counted once: a COUNTED#{event id} marker is written in the same
 * transaction as its increments. A batch of events is counted in one transaction, their
 * increments summed per tenant and day: every event of a tenant's day updates that one item,
 * so a busy tenant's consumers would otherwise queue up on it (and conflict). Active users are
 * counted once per day and month through ACTIVE#{period}#{user} markers.
 */
export function createAuditCounters(db: DynamoDBDocumentClient, table: string, retentionDays: number): AuditCounters {
  const expires = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
  const addAll = (tenant: string, period: string, increments: Record<string, number>) => {
    const names = Object.keys(increments);
    return {
      Update: {
        TableName: table,
        Key: statsKey(tenant, period),
        UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :c${i}`).join(', ')} SET expiresAt = :expires`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
        ExpressionAttributeValues: { ...Object.fromEntries(names.map((name, i) => [`:c${i}`, increments[name]])), ':expires': expires(retentionDays * day) },
      },
    };
  };
  async function countActive(tenant: string, period: string, user: string, keepSeconds: number) {
    try {
      await retryOnConflict(() => db.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: tenantPk(tenant), sk: `ACTIVE#${period}#${user}`, expiresAt: expires(keepSeconds) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          addAll(tenant, period, { active_users: 1 }),
        ],
      })));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  async function applyAll(batch: Parameters<AuditCounters['applyAll']>[0]): Promise<boolean> {
    // An event delivered twice in one batch is counted once (a transaction touches an item once).
    const changes = [...new Map(batch.map((c) => [`${c.tenant}\n${c.eventId}`, c])).values()];
    if (changes.length === 0) return true;
    if (changes.length > eventsCountedAtOnce) throw new Error(`at most ${eventsCountedAtOnce} events are counted at once, not ${changes.length}`);
    const days = new Map<string, { tenant: string; day: string; increments: Record<string, number> }>();
    const openSessions = new Map<string, number>();
    for (const { tenant, change } of changes) {
      const sum = days.get(`${tenant}\n${change.day}`) ?? { tenant, day: change.day, increments: {} };
      for (const [name, n] of Object.entries(change.increments)) sum.increments[name] = (sum.increments[name] ?? 0) + n;
      days.set(`${tenant}\n${change.day}`, sum);
      if (change.sessionsDelta) openSessions.set(tenant, (openSessions.get(tenant) ?? 0) + change.sessionsDelta);
    }
    const markers = changes.map(({ tenant, eventId }) => ({ Put: { TableName: table, Item: { pk: tenantPk(tenant), sk: `COUNTED#${eventId}`, expiresAt: expires(3 * day) }, ConditionExpression: 'attribute_not_exists(pk)' } }));
    try {
      // Consumers counting the same day at once conflict, and try again.
      await retryOnConflict(() => db.send(new TransactWriteCommand({
        TransactItems: [
          ...markers,
          ...[...days.values()].map((sum) => addAll(sum.tenant, sum.day, sum.increments)),
          ...[...openSessions].filter(([, delta]) => delta !== 0).map(([tenant, delta]) => ({ Update: { TableName: table, Key: statsKey(tenant, 'now'), UpdateExpression: 'ADD open_sessions :d', ExpressionAttributeValues: { ':d': delta } } })),
        ],
      })));
    } catch (error) {
      if (conditionFailedAt(cancellationCodes(error), markers.keys())) return false;
      throw error;
    }
    await countActiveUsers(changes.flatMap(({ tenant, change }) => change.activeUser ? [
      { tenant, period: change.day, user: change.activeUser, keepSeconds: 3 * day },
      { tenant, period: change.month, user: change.activeUser, keepSeconds: 40 * day },
    ] : []));
    return true;
  }
  /** Active users not counted yet in their period: one read finds those counted already (someone signing in again, the usual case). */
  async function countActiveUsers(active: ReadonlyArray<{ tenant: string; period: string; user: string; keepSeconds: number }>) {
    const markerKey = (a: (typeof active)[number]) => ({ pk: tenantPk(a.tenant), sk: `ACTIVE#${a.period}#${a.user}` });
    const distinct = [...new Map(active.map((a) => [`${a.tenant}\n${a.period}\n${a.user}`, a])).values()];
    if (distinct.length === 0) return;
    const counted = new Set((await batchGet(db, table, distinct.map(markerKey))).map((item) => `${String(item.pk)}\n${String(item.sk)}`));
    // A marker and its increment are written together, so a marker found was counted; one not found is counted under its condition.
    for (const a of distinct) {
      const key = markerKey(a);
      if (!counted.has(`${key.pk}\n${key.sk}`)) await countActive(a.tenant, a.period, a.user, a.keepSeconds);
    }
  }
  return {
    apply: (tenant, eventId, change) => applyAll([{ tenant, eventId, change }]),
    applyAll,
    async read(tenant, fromDay, toDay) {
      const items = await queryAll(db, { TableName: table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':from': `STATS#${fromDay.slice(0, 7)}`, ':to': `STATS#${toDay}` }, ConsistentRead: true });
      const countersOf = (item: Item) => Object.fromEntries(Object.entries(item).filter(([k, v]) => typeof v === 'number' && k !== 'expiresAt')) as Record<string, number>;
      const period = (item: Item) => String(item.sk).slice('STATS#'.length);
      const days = items.filter((i) => /^\d{4}-\d{2}-\d{2}$/.test(period(i)) && period(i) >= fromDay).map((i) => ({ date: period(i), counters: countersOf(i) }));
      const months = items.filter((i) => /^\d{4}-\d{2}$/.test(period(i))).map((i) => ({ month: period(i), activeUsers: Number(i.active_users ?? 0) }));
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: statsKey(tenant, 'now'), ConsistentRead: true }));
      return { days, months, openSessions: Math.max(0, Number(Item?.open_sessions ?? 0)) };
    },
  };
}
