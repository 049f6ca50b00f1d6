import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { Group } from '../../domain/groups/group.ts';
import type { GroupDirectory, GroupWrite } from '../../domain/ports/group-directory.ts';
import { normalizeIdentifier } from '../../domain/users/user.ts';
import { auditPuts } from './audit-item.ts';
import { cancellationCodes, conditionFailedAt, groupNameSk, groupSk, memberSk, retryOnConflict, tenantPk, userItemsPk, userSk } from './keys.ts';
import { batchDelete, batchGet, keyOf, queryAll, queryPage } from './listing.ts';
import type { TableNames } from './table-names.ts';

type Item = Record<string, unknown>;

/** Group names are unique per tenant, compared as login identifiers are (case-folded). */
const normalizeGroupName = normalizeIdentifier;

/** The Directory item of a group. */
export const groupItem = (group: Group): Item => ({ pk: tenantPk(group.tenant), sk: groupSk(group.id), ...group });

/** The marker that holds the group's name (normalized) in its tenant. */
export const groupNameMarkerItem = (group: Pick<Group, 'tenant' | 'id' | 'name'>): Item => ({ pk: tenantPk(group.tenant), sk: groupNameSk(normalizeGroupName(group.name)), groupId: group.id });

/** A membership: listed under the group in the table, under the user in gsi1 (everything held for one user). */
export const membershipItem = (tenant: string, groupId: string, userId: string): Item => ({
  pk: tenantPk(tenant),
  sk: memberSk(groupId, userId),
  tenant,
  groupId,
  userId,
  gsi1pk: userItemsPk(tenant, userId),
  gsi1sk: groupSk(groupId),
});

function groupOf(item: Item): Group {
  const { pk: _pk, sk: _sk, ...group } = item;
  return group as unknown as Group;
}

/** A transaction holds at most this many items. */
const transactionLimit = 100;

export function createGroupDirectory(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): GroupDirectory {
  const D = tables.directory;
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  const key = (tenant: string, groupId: string) => ({ pk: tenantPk(tenant), sk: groupSk(groupId) });
  const nameKey = (tenant: string, name: string) => ({ pk: tenantPk(tenant), sk: groupNameSk(normalizeGroupName(name)) });
  const read = async (tenant: string, groupId: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: D, Key: key(tenant, groupId), ConsistentRead: true }));
    return Item && Item.tenant === tenant ? Item : undefined;
  };
  /** The name marker's delete, when the marker holds this group (a marker is removed only by its owner). */
  async function releaseName(tenant: string, name: string, groupId: string) {
    const { Item } = await db.send(new GetCommand({ TableName: D, Key: nameKey(tenant, name), ConsistentRead: true }));
    if (Item?.groupId !== groupId) return [];
    return [{ Delete: { TableName: D, Key: nameKey(tenant, name), ConditionExpression: 'groupId = :me', ExpressionAttributeValues: { ':me': groupId } } }];
  }
  /** Keys of the group's memberships, read from the table (strongly consistent). */
  const membershipKeys = async (tenant: string, groupId: string) =>
    (await queryAll(db, {
      TableName: D,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': memberSk(groupId, '') },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    })).map(keyOf);

  return {
    async createGroup(group, events) {
      try {
        await retryOnConflict(() => db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: D, Item: groupItem(group), ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: D, Item: groupNameMarkerItem(group), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        if (conditionFailedAt(cancellationCodes(error), [1])) return 'taken';
        throw error;
      }
    },

    async getGroup(tenant, groupId) {
      const { Item } = await db.send(new GetCommand({ TableName: D, Key: key(tenant, groupId) }));
      return Item && Item.tenant === tenant ? groupOf(Item) : undefined;
    },

    async updateGroup(group, expectedVersion, events): Promise<GroupWrite> {
      const current = await read(group.tenant, group.id);
      if (!current) return 'missing';
      if (current.version !== expectedVersion) return 'conflict';
      const renamed = normalizeGroupName(String(current.name)) !== normalizeGroupName(group.name);
      // A marker left holding this group is taken over, not refused.
      const claim = renamed
        ? [{ Put: { TableName: D, Item: groupNameMarkerItem(group), ConditionExpression: 'attribute_not_exists(pk) OR groupId = :me', ExpressionAttributeValues: { ':me': group.id } } }]
        : [];
      const release = renamed ? await releaseName(group.tenant, String(current.name), group.id) : [];
      try {
        await retryOnConflict(() => db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: D,
                  Item: groupItem(group),
                  ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                },
              },
              ...claim,
              ...release,
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (conditionFailedAt(codes, [0])) return (await read(group.tenant, group.id)) ? 'conflict' : 'missing';
        if (conditionFailedAt(codes, claim.map((_, i) => 1 + i))) return 'taken';
        if (conditionFailedAt(codes, release.map((_, i) => 1 + claim.length + i))) return 'conflict';
        throw error;
      }
    },

    async deleteGroup(tenant, groupId, expectedVersion, events): Promise<GroupWrite> {
      // Without an expected version, a change that races the delete is read again and deleted too.
      for (let attempt = 1; ; attempt++) {
        const current = await read(tenant, groupId);
        if (!current) return 'missing';
        if (expectedVersion !== undefined && current.version !== expectedVersion) return 'conflict';
        const release = await releaseName(tenant, String(current.name), groupId);
        const memberships = await membershipKeys(tenant, groupId);
        const head = [
          {
            Delete: {
              TableName: D,
              Key: key(tenant, groupId),
              ConditionExpression: 'attribute_exists(pk) AND #version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': current.version },
            },
          },
          ...release,
          ...audit(events),
        ];
        // Memberships go in the same transaction when they fit; past 100 items they follow it.
        const together = head.length + memberships.length <= transactionLimit;
        try {
          await retryOnConflict(() => db.send(
            new TransactWriteCommand({ TransactItems: [...head, ...(together ? memberships.map((Key) => ({ Delete: { TableName: D, Key } })) : [])] }),
          ));
        } catch (error) {
          const codes = cancellationCodes(error);
          if (conditionFailedAt(codes, [0, ...release.map((_, i) => 1 + i)])) {
            if (!(await read(tenant, groupId))) return 'missing';
            if (expectedVersion !== undefined || attempt >= 5) return 'conflict';
            continue;
          }
          throw error;
        }
        // With the group gone no membership can be added, so this sweep leaves none behind.
        for (let left = together ? await membershipKeys(tenant, groupId) : memberships; left.length > 0; left = await membershipKeys(tenant, groupId)) {
          await batchDelete(db, D, left);
        }
        return 'done';
      }
    },

    async listGroups(tenant, page) {
      const result = await queryPage(db, D, tenantPk(tenant), groupSk(''), page);
      return { ...result, items: result.items.map(groupOf) };
    },

    async addMember(tenant, groupId, userId, events) {
      try {
        await retryOnConflict(() => db.send(
          new TransactWriteCommand({
            TransactItems: [
              { ConditionCheck: { TableName: D, Key: key(tenant, groupId), ConditionExpression: 'attribute_exists(pk)' } },
              { ConditionCheck: { TableName: D, Key: { pk: tenantPk(tenant), sk: userSk(userId) }, ConditionExpression: 'attribute_exists(pk)' } },
              { Put: { TableName: D, Item: membershipItem(tenant, groupId, userId), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (conditionFailedAt(codes, [0, 1])) return 'missing';
        if (conditionFailedAt(codes, [2])) return 'exists';
        throw error;
      }
    },

    async removeMember(tenant, groupId, userId, events) {
      try {
        await retryOnConflict(() => db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: D, Key: { pk: tenantPk(tenant), sk: memberSk(groupId, userId) }, ConditionExpression: 'attribute_exists(pk)' } },
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        if (conditionFailedAt(cancellationCodes(error), [0])) return 'missing';
        throw error;
      }
    },

    async listMembers(tenant, groupId, page) {
      const result = await queryPage(db, D, tenantPk(tenant), memberSk(groupId, ''), page);
      return { ...result, items: result.items.map((item) => String(item.userId)) };
    },

    async groupsOf(tenant, userId) {
      const memberships = await queryAll(db, {
        TableName: D,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userItemsPk(tenant, userId), ':prefix': groupSk('') },
      });
      const groupIds = [...new Set(memberships.filter((m) => m.pk === tenantPk(tenant)).map((m) => String(m.groupId)))];
      const groups = await batchGet(db, D, groupIds.map((id) => key(tenant, id)));
      return groups
        .filter((item) => item.tenant === tenant)
        .map(groupOf)
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
  };
}
