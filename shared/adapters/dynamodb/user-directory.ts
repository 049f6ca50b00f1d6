import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { UserDirectory, UserWithCredentials, UserWrite } from '../../domain/ports/user-directory.ts';
import { normalizeIdentifier, type User } from '../../domain/users/user.ts';
import { auditPuts } from './audit-item.ts';
import { cancellationCodes, conditionFailedAt, groupSk, isConditionFailure, loginSk, retryOnConflict, tenantPk, userItemsPk, userSk } from './keys.ts';
import { batchDelete, keyOf, queryAll, queryPage } from './listing.ts';
import type { TableNames } from './table-names.ts';

type Item = Record<string, unknown>;

/** The Directory item of a user, without credentials (those are added only where they are set). */
export function userItem(user: User): Record<string, unknown> {
  return { pk: tenantPk(user.tenant), sk: userSk(user.id), ...user, ...indexAttributesOf(user) };
}

const externalIdPk = (tenant: string, externalId: string) => `TENANT#${tenant}#EXTERNALID#${externalId}`;

/** gsi1 finds a user by the provisioning client's externalId (SCIM `externalId eq`) without reading the tenant. */
const indexAttributesOf = (user: User) => (user.externalId ? { gsi1pk: externalIdPk(user.tenant, user.externalId), gsi1sk: userSk(user.id) } : {});

/** The item of a new user: with its password hash, if it has one, and no failed logins. */
export const newUserItem = (user: User, passwordHash?: string): Record<string, unknown> => ({ ...userItem(user), ...(passwordHash ? { passwordHash, passwordSetAt: new Date().toISOString() } : {}), failedLogins: 0 });

/** What a user signs in with, normalized: the userName and every email, once each. */
export const loginsOf = (user: Pick<User, 'userName' | 'emails'>): string[] => [...new Set([user.userName, ...user.emails.map((e) => e.value)].map(normalizeIdentifier))];

/** The marker that holds a login identifier (normalized) for one user of the tenant. */
export const loginMarkerItem = (tenant: string, login: string, userId: string) => ({ pk: tenantPk(tenant), sk: loginSk(login), userId });

/** Attributes of the user item that are not the user: kept by updates, never returned by getUser. */
const credentialAttributes = new Set(['pk', 'sk', 'passwordHash', 'passwordHistory', 'passwordSetAt', 'failedLogins', 'lockedUntil']);

/** Earlier password hashes kept for the history check (the policy decides how many it compares). */
const keptPasswords = 24;

function userOf(item: Record<string, unknown>): User {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, passwordHash: _ph, passwordHistory: _h, passwordSetAt: _ps, failedLogins: _fl, lockedUntil: _lu, ...user } = item;
  return user as unknown as User;
}

/**
 * The update that makes the stored item `user`: SET each attribute it has, REMOVE those the stored
 * one has and it no longer does, leaving credentials and lockout alone unless `changes` says otherwise.
 */
function replacement(current: Item, user: User, expectedVersion: number, changes: { passwordHash?: string; clearLockout?: boolean }) {
  const names = new Map<string, string>();
  const name = (attribute: string) => {
    if (!names.has(attribute)) names.set(attribute, `#a${names.size}`);
    return names.get(attribute)!;
  };
  const values: Item = { ':expected': expectedVersion };
  const sets: string[] = [];
  const removes: string[] = [];
  const next = Object.fromEntries(Object.entries({ ...user, ...indexAttributesOf(user) }).filter(([, value]) => value !== undefined));
  for (const [attribute, value] of Object.entries(next)) {
    values[`:v${sets.length}`] = value;
    sets.push(`${name(attribute)} = :v${sets.length}`);
  }
  for (const attribute of Object.keys(current)) if (!(attribute in next) && !credentialAttributes.has(attribute)) removes.push(name(attribute));
  if (changes.passwordHash) {
    values[':hash'] = changes.passwordHash;
    sets.push(`${name('passwordHash')} = :hash`);
    // When the password was chosen, for the policy's maximum age (a rehash at sign-in is not a new password).
    values[':setAt'] = new Date().toISOString();
    sets.push(`${name('passwordSetAt')} = :setAt`);
    if (typeof current.passwordHash === 'string') {
      values[':history'] = [current.passwordHash, ...((current.passwordHistory as string[] | undefined) ?? [])].slice(0, keptPasswords);
      sets.push(`${name('passwordHistory')} = :history`);
    }
  }
  if (changes.clearLockout) {
    values[':zero'] = 0;
    sets.push(`${name('failedLogins')} = :zero`);
    removes.push(name('lockedUntil'));
  }
  const ConditionExpression = `attribute_exists(${name('pk')}) AND ${name('version')} = :expected`;
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression,
    ExpressionAttributeNames: Object.fromEntries([...names].map(([attribute, placeholder]) => [placeholder, attribute])),
    ExpressionAttributeValues: values,
  };
}

/** A transaction holds at most this many items. */
const transactionLimit = 100;

export function createUserDirectory(client: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): UserDirectory {
  const D = tables.directory;
  const key = (tenant: string, userId: string) => ({ pk: tenantPk(tenant), sk: userSk(userId) });
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  const read = async (tenant: string, userId: string) => (await client.send(new GetCommand({ TableName: D, Key: key(tenant, userId), ConsistentRead: true }))).Item;

  /** Of these logins, those whose marker holds this user (a marker is removed only by its owner). */
  async function ownedLogins(tenant: string, logins: readonly string[], userId: string): Promise<string[]> {
    const owners = await Promise.all(
      logins.map(async (login) => (await client.send(new GetCommand({ TableName: D, Key: { pk: tenantPk(tenant), sk: loginSk(login) }, ConsistentRead: true }))).Item?.userId),
    );
    return logins.filter((_, i) => owners[i] === userId);
  }

  const deleteMarker = (tenant: string, login: string, userId: string) => ({
    Delete: { TableName: D, Key: { pk: tenantPk(tenant), sk: loginSk(login) }, ConditionExpression: 'userId = :me', ExpressionAttributeValues: { ':me': userId } },
  });

  /** Keys of the user's group memberships (gsi1: everything held for one user). */
  async function membershipKeys(tenant: string, userId: string) {
    const items = await queryAll(client, {
      TableName: D,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userItemsPk(tenant, userId), ':prefix': groupSk('') },
    });
    return items.filter((item) => item.pk === tenantPk(tenant)).map(keyOf);
  }

  /** The user's second factors (authenticator app seed, recovery codes), kept under FACTOR#{userId}#. */
  async function factorKeys(tenant: string, userId: string) {
    const items = await queryAll(client, { TableName: D, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `FACTOR#${userId}#` }, ConsistentRead: true });
    return items.map(keyOf);
  }

  /**
   * Counts one failure with an atomic ADD, then locks when the count has reached the limit:
   * however many failures race, the count is exact and one of them locks the account.
   */
  async function countFailure(tenant: string, userId: string, lockout: { maxFailures: number; lockUntil: number }, event: AuditEvent, lockEvent: AuditEvent): Promise<{ locked: boolean }> {
    // Concurrent failures for one account collide in DynamoDB's transactions; each is still counted.
    await retryOnConflict(() => client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tables.directory,
              Key: key(tenant, userId),
              UpdateExpression: 'ADD failedLogins :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          ...auditPuts(tables.audit, [event], auditRetentionDays),
        ],
      }),
    ));
    const { Item } = await client.send(new GetCommand({ TableName: tables.directory, Key: key(tenant, userId), ConsistentRead: true, ProjectionExpression: 'failedLogins' }));
    if (Number(Item?.failedLogins ?? 0) < lockout.maxFailures) return { locked: false };
    try {
      await retryOnConflict(() => client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tables.directory,
                Key: key(tenant, userId),
                UpdateExpression: 'SET failedLogins = :zero, lockedUntil = :until',
                ConditionExpression: 'failedLogins >= :max',
                ExpressionAttributeValues: { ':zero': 0, ':until': lockout.lockUntil, ':max': lockout.maxFailures },
              },
            },
            ...auditPuts(tables.audit, [lockEvent], auditRetentionDays),
          ],
        }),
      ));
    } catch (error) {
      // A racing failure locked the account first.
      if (!isConditionFailure(error)) throw error;
    }
    return { locked: true };
  }

  return {
    async getUser(tenant, userId) {
      const { Item } = await client.send(new GetCommand({ TableName: tables.directory, Key: key(tenant, userId) }));
      return Item ? userOf(Item) : undefined;
    },

    async findByLogin(tenant, identifier): Promise<UserWithCredentials | undefined> {
      const { Item: login } = await client.send(new GetCommand({ TableName: tables.directory, Key: { pk: tenantPk(tenant), sk: loginSk(normalizeIdentifier(identifier)) } }));
      if (!login) return undefined;
      const { Item } = await client.send(new GetCommand({ TableName: tables.directory, Key: key(tenant, login.userId), ConsistentRead: true }));
      if (!Item) return undefined;
      return { user: userOf(Item), passwordHash: Item.passwordHash, failedLogins: Item.failedLogins ?? 0, ...(Item.lockedUntil ? { lockedUntil: Item.lockedUntil } : {}), ...(typeof Item.passwordSetAt === 'string' ? { passwordSetAt: Item.passwordSetAt } : {}) };
    },

    recordFailedLogin: (tenant, userId, lockout, event, lockEvent) => countFailure(tenant, userId, lockout, event, lockEvent),

    async recordSuccessfulLogin(tenant, userId, changes) {
      await client.send(
        new UpdateCommand({
          TableName: tables.directory,
          Key: key(tenant, userId),
          UpdateExpression: `SET failedLogins = :zero${changes.rehash ? ', passwordHash = :hash' : ''} REMOVE lockedUntil`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0, ...(changes.rehash ? { ':hash': changes.rehash } : {}) },
        }),
      );
    },

    async createUser(user, credentials, events) {
      const logins = loginsOf(user);
      try {
        await retryOnConflict(() => client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: D, Item: newUserItem(user, credentials.passwordHash), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...logins.map((login) => ({ Put: { TableName: D, Item: loginMarkerItem(user.tenant, login, user.id), ConditionExpression: 'attribute_not_exists(pk)' } })),
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        // Items 1…logins.length are the markers: one of them is held already.
        if (conditionFailedAt(cancellationCodes(error), logins.map((_, i) => 1 + i))) return 'taken';
        throw error;
      }
    },

    async updateUser(user, expectedVersion, changes, events): Promise<UserWrite> {
      const current = await read(user.tenant, user.id);
      if (!current) return 'missing';
      if (current.version !== expectedVersion) return 'conflict';
      // The version condition below makes sure the markers computed here are still the user's.
      const before = loginsOf(userOf(current));
      const after = loginsOf(user);
      const added = after.filter((login) => !before.includes(login));
      const removed = await ownedLogins(user.tenant, before.filter((login) => !after.includes(login)), user.id);
      try {
        await retryOnConflict(() => client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: D, Key: key(user.tenant, user.id), ...replacement(current, user, expectedVersion, changes) } },
              ...added.map((login) => ({
                // A marker left holding this user (an earlier identifier) is taken over, not refused.
                Put: { TableName: D, Item: loginMarkerItem(user.tenant, login, user.id), ConditionExpression: 'attribute_not_exists(pk) OR userId = :me', ExpressionAttributeValues: { ':me': user.id } },
              })),
              ...removed.map((login) => deleteMarker(user.tenant, login, user.id)),
              ...audit(events),
            ],
          }),
        ));
        return 'done';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (conditionFailedAt(codes, [0])) return (await read(user.tenant, user.id)) ? 'conflict' : 'missing';
        if (conditionFailedAt(codes, added.map((_, i) => 1 + i))) return 'taken';
        // A marker being removed changed hands meanwhile: the user changed under us.
        if (conditionFailedAt(codes, removed.map((_, i) => 1 + added.length + i))) return 'conflict';
        throw error;
      }
    },

    async deleteUser(tenant, userId, expectedVersion, events): Promise<UserWrite> {
      // Without an expected version, a change that races the delete is read again and deleted too.
      for (let attempt = 1; ; attempt++) {
        const current = await read(tenant, userId);
        if (!current) return 'missing';
        if (expectedVersion !== undefined && current.version !== expectedVersion) return 'conflict';
        const markers = await ownedLogins(tenant, loginsOf(userOf(current)), userId);
        const memberships = await membershipKeys(tenant, userId);
        const head = [
          {
            Delete: {
              TableName: D,
              Key: key(tenant, userId),
              ConditionExpression: 'attribute_exists(pk) AND #version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': current.version },
            },
          },
          ...markers.map((login) => deleteMarker(tenant, login, userId)),
          ...audit(events),
        ];
        // Memberships go in the same transaction when they fit; past 100 items they follow it.
        const together = head.length + memberships.length <= transactionLimit;
        try {
          await retryOnConflict(() => client.send(
            new TransactWriteCommand({ TransactItems: [...head, ...(together ? memberships.map((Key) => ({ Delete: { TableName: D, Key } })) : [])] }),
          ));
        } catch (error) {
          const codes = cancellationCodes(error);
          if (conditionFailedAt(codes, [0, ...markers.map((_, i) => 1 + i)])) {
            if (!(await read(tenant, userId))) return 'missing';
            if (expectedVersion !== undefined || attempt >= 5) return 'conflict';
            continue;
          }
          throw error;
        }
        if (!together) await batchDelete(client, D, memberships);
        // A membership added just before the user went (gsi1 lags) is swept up; none can be added now.
        const late = (await membershipKeys(tenant, userId)).filter((k) => !memberships.some((m) => m.sk === k.sk));
        if (late.length > 0) await batchDelete(client, D, late);
        // Their second factors go too: a sealed TOTP seed must not outlive its user.
        const factors = await factorKeys(tenant, userId);
        if (factors.length > 0) await batchDelete(client, D, factors);
        return 'done';
      }
    },

    async listUsers(tenant, page) {
      const result = await queryPage(client, D, tenantPk(tenant), userSk(''), page);
      return { ...result, items: result.items.map(userOf) };
    },

    async exportUsers(tenant, page) {
      const result = await queryPage(client, D, tenantPk(tenant), userSk(''), page);
      return { ...result, items: result.items.map((item) => ({ user: userOf(item), ...(typeof item.passwordHash === 'string' ? { passwordHash: item.passwordHash } : {}), failedLogins: Number(item.failedLogins ?? 0) })) };
    },

    async recentPasswords(tenant, userId) {
      const item = await read(tenant, userId);
      if (!item) return [];
      return [item.passwordHash, ...((item.passwordHistory as unknown[] | undefined) ?? [])].filter((h): h is string => typeof h === 'string');
    },

    async findByExternalId(tenant, externalId) {
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: D, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': externalIdPk(tenant, externalId) }, Limit: 50 }),
      );
      return Items.filter((item) => item.tenant === tenant).map(userOf);
    },

    async lockedUntil(tenant, userId) {
      const { Item } = await client.send(new GetCommand({ TableName: D, Key: key(tenant, userId), ConsistentRead: true, ProjectionExpression: 'lockedUntil' }));
      const until = Number(Item?.lockedUntil ?? 0);
      return until > Date.now() ? until : undefined;
    },
  };
}
