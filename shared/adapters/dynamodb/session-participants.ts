import { BatchWriteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionParticipant, SessionParticipants } from '../../domain/ports/session-participants.ts';
import { ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';

const sidPk = (tenant: string, sid: string) => `TENANT#${tenant}#SID#${sid}`;

/** Who joined which SSO session, in the SessionIndex table, expiring with the session. */
export function createSessionParticipants(db: DynamoDBDocumentClient, tables: TableNames): SessionParticipants {
  return {
    async join(participant) {
      await db.send(new PutCommand({ TableName: tables.sessionIndex, Item: { pk: sidPk(participant.tenant, participant.sid), sk: `RP#${participant.clientId}`, ...participant, expiresAt: ttlSeconds(participant.expiresAt) } }));
    },
    async list(tenant, sid) {
      const { Items = [] } = await db.send(new QueryCommand({ TableName: tables.sessionIndex, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': sidPk(tenant, sid) } }));
      return Items.filter((i) => i.tenant === tenant).map(({ pk: _pk, sk: _sk, expiresAt: _e, ...p }) => ({ ...p, expiresAt: _e * 1000 }) as SessionParticipant);
    },
    async forget(tenant, sid) {
      const { Items = [] } = await db.send(new QueryCommand({ TableName: tables.sessionIndex, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': sidPk(tenant, sid) }, ProjectionExpression: 'pk, sk' }));
      for (let i = 0; i < Items.length; i += 25) {
        await db.send(new BatchWriteCommand({ RequestItems: { [tables.sessionIndex]: Items.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: key } })) } }));
      }
    },
  };
}
