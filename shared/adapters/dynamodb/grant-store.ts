import { GetCommand, PutCommand, DeleteCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { CodeGrant, RefreshFamily } from '../../domain/oauth/authorization.ts';
import type { GrantStore } from '../../domain/ports/grant-store.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure, isTransactionConflict, ttlSeconds, userItemsPk } from './keys.ts';
import { authTransactionKey } from './session-store.ts';
import type { TableNames } from './table-names.ts';
import { queryAll } from './listing.ts';

const codeKey = (tenant: string, hash: string) => ({ pk: `TENANT#${tenant}#CODE#${hash}`, sk: 'CODE' });
const refreshKey = (tenant: string, hash: string) => ({ pk: `TENANT#${tenant}#RT#${hash}`, sk: 'RT' });
const familyKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#RTF#${id}`, sk: 'FAMILY' });
const parKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#PAR#${id}`, sk: 'PAR' });
const denyKey = (tenant: string, jti: string) => ({ pk: `TENANT#${tenant}#DENY#${jti}`, sk: 'DENY' });

/** A used code is kept a while past its 60 s so a replay is recognised as reuse, not as unknown. */
const codeMemoryMs = 10 * 60_000;

const codeGrantOf = (item: Record<string, unknown>): CodeGrant => {
  const { codeExpiresAt, usedAt: _u, familyId: _f, accessJti: _a, ...rest } = strip<Record<string, unknown>>(item);
  return { ...rest, expiresAt: codeExpiresAt } as unknown as CodeGrant;
};

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, expiresAt: _e, gsi1pk: _g, gsi1sk: _gs, ...rest } = item;
  return rest as T;
}

export function createGrantStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): GrantStore {
  const T = tables.sessions;
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);

  return {
    async openTransaction(tenant, id, request, { returnTo, expiresAt, forceLogin, now }) {
      await db.send(new PutCommand({ TableName: T, Item: { ...authTransactionKey(tenant, id), tenant, returnTo, request, forceLogin, chooseAccount: request.prompt.includes('select_account'), clientOrigin: new URL(request.redirectUri).origin, application: request.clientId, ...(request.loginHint ? { loginHint: request.loginHint } : {}), ...(request.idpHint ? { idpHint: request.idpHint } : {}), ...(request.domainHint ? { domainHint: request.domainHint } : {}), ...(request.uiLocales ? { uiLocales: request.uiLocales } : {}), ...(request.acrValues?.length ? { acrValues: request.acrValues } : {}), createdAt: now, expiresAtMs: expiresAt, expiresAt: ttlSeconds(expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async transactionRequest(tenant, id, now) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: authTransactionKey(tenant, id), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant || Item.expiresAtMs <= now || !Item.request) return undefined;
      return { request: Item.request, createdAt: Item.createdAt, accountChosen: Item.accountChosen === true };
    },
    async closeTransaction(tenant, id) {
      await db.send(new DeleteCommand({ TableName: T, Key: authTransactionKey(tenant, id) }));
    },

    async pushRequest(tenant, id, clientId, params, expiresAt) {
      await db.send(new PutCommand({ TableName: T, Item: { ...parKey(tenant, id), tenant, clientId, params, expiresAtMs: expiresAt, expiresAt: ttlSeconds(expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async takePushedRequest(tenant, id, clientId, now) {
      try {
        const { Attributes } = await db.send(
          new DeleteCommand({ TableName: T, Key: parKey(tenant, id), ConditionExpression: 'attribute_exists(pk) AND clientId = :client', ExpressionAttributeValues: { ':client': clientId }, ReturnValues: 'ALL_OLD' }),
        );
        if (!Attributes || Attributes.tenant !== tenant || Attributes.expiresAtMs <= now) return undefined;
        return Attributes.params;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    async saveCode(codeHash, grant) {
      // The item's expiresAt is DynamoDB's TTL (seconds); the code's own expiry is kept apart.
      await db.send(new PutCommand({ TableName: T, Item: { ...codeKey(grant.tenant, codeHash), ...grant, codeExpiresAt: grant.expiresAt, expiresAt: ttlSeconds(grant.expiresAt + codeMemoryMs) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async redeemCode(tenant, codeHash, now, accessJti) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: T,
            Key: codeKey(tenant, codeHash),
            UpdateExpression: 'SET usedAt = :now, accessJti = :jti',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
            ExpressionAttributeValues: { ':now': now, ':jti': accessJti },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { status: 'redeemed', grant: codeGrantOf(Attributes!) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: codeKey(tenant, codeHash), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant) return { status: 'unknown' };
      return { status: 'reused', grant: codeGrantOf(Item), ...(Item.familyId ? { familyId: Item.familyId } : {}), ...(Item.accessJti ? { accessJti: Item.accessJti } : {}) };
    },
    async recordCodeFamily(tenant, codeHash, familyId) {
      await db.send(new UpdateCommand({ TableName: T, Key: codeKey(tenant, codeHash), UpdateExpression: 'SET familyId = :family', ExpressionAttributeValues: { ':family': familyId } }));
    },

    async createFamily(family: RefreshFamily, tokenHash, events) {
      const expiresAt = ttlSeconds(family.absoluteExpiresAt);
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: T, Item: { ...familyKey(family.tenant, family.id), ...family, currentHash: tokenHash, gsi1pk: userItemsPk(family.tenant, family.userId), gsi1sk: `RTF#${family.id}`, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: T, Item: { ...refreshKey(family.tenant, tokenHash), tenant: family.tenant, familyId: family.id, expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...audit(events),
          ],
        }),
      );
    },
    async rotateRefreshToken(tenant, clientId, presentedHash, nextHash, { idleExpiresAt, now, check }) {
      const { Item: token } = await db.send(new GetCommand({ TableName: T, Key: refreshKey(tenant, presentedHash), ConsistentRead: true }));
      if (!token || token.tenant !== tenant) return { status: 'unknown' };
      const { Item: stored } = await db.send(new GetCommand({ TableName: T, Key: familyKey(tenant, token.familyId), ConsistentRead: true }));
      if (!stored) return { status: 'unknown' };
      const family = strip<RefreshFamily & { currentHash: string }>(stored);
      // A token presented by another client is not that client's to use, or to spend.
      if (family.clientId !== clientId || family.status !== 'active' || now >= family.absoluteExpiresAt || now >= family.idleExpiresAt) return { status: 'unknown' };
      if (family.currentHash !== presentedHash) return { status: 'reused', family };
      await check(family);
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: T,
                  Key: familyKey(tenant, family.id),
                  UpdateExpression: 'SET currentHash = :next, idleExpiresAt = :idle',
                  ConditionExpression: 'currentHash = :presented AND #status = :active',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':next': nextHash, ':presented': presentedHash, ':active': 'active', ':idle': idleExpiresAt },
                },
              },
              { Put: { TableName: T, Item: { ...refreshKey(tenant, nextHash), tenant, familyId: family.id, expiresAt: ttlSeconds(family.absoluteExpiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        return { status: 'rotated', family: { ...family, idleExpiresAt } };
      } catch (error) {
        // Another request rotated this token first: the same token twice is reuse.
        if (isConditionFailure(error) || isTransactionConflict(error)) return { status: 'reused', family };
        throw error;
      }
    },
    async recordFamilyAccessToken(tenant, familyId, jti, expiresAt) {
      await db.send(
        new UpdateCommand({
          TableName: T,
          Key: familyKey(tenant, familyId),
          UpdateExpression: 'SET accessTokens = list_append(if_not_exists(accessTokens, :empty), :issued)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':empty': [], ':issued': [{ jti, expiresAt }] },
        }),
      );
    },
    async findRefreshToken(tenant, tokenHash, now) {
      const { Item: token } = await db.send(new GetCommand({ TableName: T, Key: refreshKey(tenant, tokenHash) }));
      if (!token || token.tenant !== tenant) return undefined;
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: familyKey(tenant, token.familyId), ConsistentRead: true }));
      if (!Item || Item.currentHash !== tokenHash || Item.status !== 'active' || now >= Item.absoluteExpiresAt || now >= Item.idleExpiresAt) return undefined;
      const { currentHash: _c, accessTokens: _a, ...family } = strip<Record<string, unknown>>(Item);
      return family as unknown as RefreshFamily;
    },
    async revokeFamily(tenant, familyId, events) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: familyKey(tenant, familyId), ConsistentRead: true }));
      const now = Date.now();
      const live = ((Item?.accessTokens ?? []) as Array<{ jti: string; expiresAt: number }>).filter((t) => t.expiresAt > now);
      await Promise.all(live.map((t) => db.send(new PutCommand({ TableName: T, Item: { ...denyKey(tenant, t.jti), expiresAt: ttlSeconds(t.expiresAt) } }))));
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: T, Key: familyKey(tenant, familyId), UpdateExpression: 'SET #status = :revoked', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':revoked': 'revoked' } } },
            ...audit(events),
          ],
        }),
      );
    },

    async activeFamiliesOf(tenant, userId, now) {
      const items = await queryAll(db, { TableName: T, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)', ExpressionAttributeValues: { ':pk': userItemsPk(tenant, userId), ':prefix': 'RTF#' } });
      return items
        .map((item) => strip<RefreshFamily & { currentHash?: string; accessTokens?: unknown }>(item))
        .filter((f) => f.tenant === tenant && f.userId === userId && f.status === 'active' && f.absoluteExpiresAt > now)
        .map(({ currentHash: _c, accessTokens: _a, ...family }) => family);
    },
    async useAssertionId(tenant, clientId, jti, expiresAt) {
      try {
        await db.send(new PutCommand({ TableName: T, Item: { pk: `TENANT#${tenant}#JTI#${clientId}#${jti}`, sk: 'JTI', expiresAt: ttlSeconds(expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async denyAccessToken(tenant, jti, until) {
      await db.send(new PutCommand({ TableName: T, Item: { ...denyKey(tenant, jti), expiresAt: ttlSeconds(until) } }));
    },
    async isAccessTokenDenied(tenant, jti) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: denyKey(tenant, jti) }));
      return Item !== undefined;
    },
  };
}
