import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { factorSlot, type Factor } from '../../domain/factors/factor.ts';
import type { FactorStore } from '../../domain/ports/factor-store.ts';
import { auditPuts } from './audit-item.ts';
import { conditionalWrite, tenantPk } from './keys.ts';
import { queryAll } from './listing.ts';
import type { TableNames } from './table-names.ts';

/** One item per user and slot: the sort key itself keeps a user to one authenticator app and one set of recovery codes. */
const factorKey = (tenant: string, userId: string, slot: string) => ({ pk: tenantPk(tenant), sk: `FACTOR#${userId}#${slot}` });

const factorOf = (item: Record<string, unknown>): Factor => {
  const { pk: _pk, sk: _sk, ...factor } = item;
  return factor as unknown as Factor;
};

export function createFactorStore(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): FactorStore {
  const D = tables.directory;
  const list = async (tenant: string, userId: string) =>
    (await queryAll(db, { TableName: D, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':prefix': `FACTOR#${userId}#` }, ConsistentRead: true })).map(factorOf);
  return {
    listFactors: list,
    async addFactor(factor, events) {
      const added = await conditionalWrite(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: D, Item: { ...factorKey(factor.tenant, factor.userId, factorSlot(factor)), ...factor }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ...auditPuts(tables.audit, events, auditRetentionDays),
            ],
          }),
        ),
      );
      return added ? 'done' : 'exists';
    },
    async removeFactor(tenant, userId, factorId, events) {
      const factor = (await list(tenant, userId)).find((f) => f.id === factorId);
      if (!factor) return false;
      return conditionalWrite(() =>
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: D, Key: factorKey(tenant, userId, factorSlot(factor)), ConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': factorId } } },
              ...auditPuts(tables.audit, events, auditRetentionDays),
            ],
          }),
        ),
      );
    },
    useTotpStep(tenant, userId, factorId, timeStep, now) {
      return conditionalWrite(() =>
        db.send(
          new UpdateCommand({
            TableName: D,
            Key: factorKey(tenant, userId, 'totp'),
            UpdateExpression: 'SET lastTimeStep = :step, lastUsedAt = :now',
            ConditionExpression: 'id = :id AND (attribute_not_exists(lastTimeStep) OR lastTimeStep < :step)',
            ExpressionAttributeValues: { ':id': factorId, ':step': timeStep, ':now': now },
          }),
        ),
      );
    },
    usePasskey(tenant, userId, factorId, counter, now) {
      // A counter that does not move forward (other than a synced passkey's constant 0) is a cloned key or a replay.
      return conditionalWrite(() =>
        db.send(
          new UpdateCommand({
            TableName: D,
            Key: factorKey(tenant, userId, factorSlot({ kind: 'webauthn', id: factorId })),
            UpdateExpression: 'SET #counter = :counter, lastUsedAt = :now',
            ConditionExpression: 'id = :id AND (#counter < :counter OR (#counter = :zero AND :counter = :zero))',
            ExpressionAttributeNames: { '#counter': 'counter' },
            ExpressionAttributeValues: { ':id': factorId, ':counter': counter, ':now': now, ':zero': 0 },
          }),
        ),
      );
    },
    useRecoveryCode(tenant, userId, factorId, lookupId, now) {
      return conditionalWrite(() =>
        db.send(
          new UpdateCommand({
            TableName: D,
            Key: factorKey(tenant, userId, 'recovery_codes'),
            UpdateExpression: 'REMOVE codes.#code SET lastUsedAt = :now',
            ConditionExpression: 'id = :id AND attribute_exists(codes.#code)',
            ExpressionAttributeNames: { '#code': lookupId },
            ExpressionAttributeValues: { ':id': factorId, ':now': now },
          }),
        ),
      );
    },
  };
}

