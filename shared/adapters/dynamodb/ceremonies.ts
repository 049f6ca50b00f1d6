import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Ceremonies, Ceremony } from '../../domain/ports/ceremonies.ts';
import { isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

const ceremonyKey = (tenant: string, id: string) => ({ pk: `TENANT#${tenant}#CEREMONY#${id}`, sk: 'CEREMONY' });

export function createCeremonies(db: DynamoDBDocumentClient, tables: TableNames): Ceremonies {
  const T = tables.sessions;
  return {
    async start(ceremony) {
      await db.send(new PutCommand({ TableName: T, Item: { ...ceremonyKey(ceremony.tenant, ceremony.id), ...ceremony, expiresAtMs: ceremony.expiresAt, expiresAt: ttlSeconds(ceremony.expiresAt) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async take(tenant, id, purpose, now) {
      try {
        const { Attributes } = await db.send(new DeleteCommand({ TableName: T, Key: ceremonyKey(tenant, id), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
        if (!Attributes || Attributes.tenant !== tenant || Attributes.purpose !== purpose || Number(Attributes.expiresAtMs) <= now) return undefined;
        const { pk: _pk, sk: _sk, expiresAt: _e, expiresAtMs, ...ceremony } = Attributes;
        return { ...ceremony, expiresAt: Number(expiresAtMs) } as unknown as Ceremony;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}
