import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { AuthTransactions, SessionStore, SsoSession } from '../../domain/ports/session-store.ts';
import { auditPuts } from './audit-item.ts';
import { isConditionFailure, sessionPk, ttlSeconds, userItemsPk } from './keys.ts';
import { queryAll } from './listing.ts';
import type { TableNames } from './table-names.ts';

export function createSessionStore(client: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): SessionStore {
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  const key = (tenant: string, idHash: string) => ({ pk: sessionPk(tenant, idHash), sk: 'SESSION' });

  return {
    async create(session, events) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.sessions,
                Item: {
                  ...key(session.tenant, session.idHash),
                  ...session,
                  gsi1pk: userItemsPk(session.tenant, session.userId),
                  gsi1sk: `SESSION#${session.authTime}`,
                  expiresAt: ttlSeconds(Math.min(session.idleExpiresAt, session.absoluteExpiresAt)),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...audit(events),
          ],
        }),
      );
    },

    async find(tenant, idHash) {
      const { Item } = await client.send(new GetCommand({ TableName: tables.sessions, Key: key(tenant, idHash) }));
      if (!Item || Item.tenant !== tenant) return undefined;
      return sessionOf(Item);
    },

    async touch(session, now, idleExpiresAt) {
      await client.send(
        new UpdateCommand({
          TableName: tables.sessions,
          Key: key(session.tenant, session.idHash),
          UpdateExpression: 'SET lastSeenAt = :now, idleExpiresAt = :idle, expiresAt = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now, ':idle': idleExpiresAt, ':ttl': ttlSeconds(Math.min(idleExpiresAt, session.absoluteExpiresAt)) },
        }),
      ).catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    },

    async end(tenant, idHash, events) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [{ Delete: { TableName: tables.sessions, Key: key(tenant, idHash), ConditionExpression: 'attribute_exists(pk)' } }, ...audit(events)],
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async listForUser(tenant, userId, now) {
      const items = await queryAll(client, {
        TableName: tables.sessions,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userItemsPk(tenant, userId), ':prefix': 'SESSION#' },
        ScanIndexForward: false,
      });
      return items
        .filter((item) => item.tenant === tenant && item.userId === userId && Number(item.idleExpiresAt) > now && Number(item.absoluteExpiresAt) > now)
        .map(sessionOf)
        .sort((a, b) => b.authTime - a.authTime);
    },
  };
}

/** The session in a Sessions item, without its keys and expiry. */
function sessionOf(item: Record<string, unknown>): SsoSession {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, expiresAt: _e, ...session } = item;
  return session as unknown as SsoSession;
}

export const authTransactionKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#TX#${id}`, sk: 'TX' });

export function createAuthTransactions(client: DynamoDBDocumentClient, tables: TableNames): AuthTransactions {
  return {
    async find(tenant, id, now) {
      const { Item } = await client.send(new GetCommand({ TableName: tables.sessions, Key: authTransactionKey(tenant, id) }));
      if (!Item || Item.tenant !== tenant || Item.expiresAtMs <= now) return undefined;
      return {
        id, tenant, returnTo: Item.returnTo, expiresAt: Item.expiresAtMs, forceLogin: Item.forceLogin === true,
        chooseAccount: Item.chooseAccount === true && Item.accountChosen !== true && Item.forceLogin !== true,
        ...(typeof Item.loginHint === 'string' ? { loginHint: Item.loginHint } : {}),
        ...(typeof Item.idpHint === 'string' ? { idpHint: Item.idpHint } : {}),
        ...(typeof Item.domainHint === 'string' ? { domainHint: Item.domainHint } : {}),
        ...(typeof Item.uiLocales === 'string' ? { uiLocales: Item.uiLocales } : {}),
        ...(typeof Item.clientOrigin === 'string' ? { clientOrigin: Item.clientOrigin } : {}),
        ...(typeof Item.application === 'string' ? { application: Item.application } : {}),
        ...(Array.isArray(Item.acrValues) ? { acrValues: Item.acrValues as string[] } : {}),
      };
    },
    async chooseAccount(tenant, id, choice) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tables.sessions,
            Key: authTransactionKey(tenant, id),
            UpdateExpression: choice === 'current' ? 'SET accountChosen = :yes' : 'SET forceLogin = :yes',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':yes': true },
          }),
        );
      } catch (error) {
        // The transaction expired meanwhile: the next page says so.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
