import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { UserDirectory, UserWithCredentials } from '../../domain/ports/user-directory.ts';
import { normalizeIdentifier, type User } from '../../domain/users/user.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure, loginSk, retryOnConflict, tenantPk, userSk } from './keys.ts';
import type { TableNames } from './table-names.ts';

/** The Directory item of a user, without credentials (those are added only where they are set). */
export function userItem(user: User): Record<string, unknown> {
  return { pk: tenantPk(user.tenant), sk: userSk(user.id), ...user };
}

function userOf(item: Record<string, unknown>): User {
  const { pk: _pk, sk: _sk, passwordHash: _ph, failedLogins: _fl, lockedUntil: _lu, ...user } = item;
  return user as unknown as User;
}

export function createUserDirectory(client: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): UserDirectory {
  const key = (tenant: string, userId: string) => ({ pk: tenantPk(tenant), sk: userSk(userId) });

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
      return { user: userOf(Item), passwordHash: Item.passwordHash, failedLogins: Item.failedLogins ?? 0, ...(Item.lockedUntil ? { lockedUntil: Item.lockedUntil } : {}) };
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
  };
}
