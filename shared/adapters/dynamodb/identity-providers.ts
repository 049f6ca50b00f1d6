import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdentityProvider } from '../../domain/federation/identity-provider.ts';
import type { IdentityProviderRegistry, LinkedIdentities, LinkedIdentity } from '../../domain/ports/identity-providers.ts';
import { auditPuts } from './audit-item.ts';
import { conditionalWrite, tenantPk } from './keys.ts';
import type { TableNames } from './table-names.ts';
import { versionedItems } from './versioned-items.ts';

export function createIdentityProviderRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): IdentityProviderRegistry {
  return versionedItems<IdentityProvider>(db, tables, auditRetentionDays, 'IDP#');
}

/** Keyed by a hash of the upstream subject (any length, any characters), under the provider. */
/** The directory's alternate-key index lists a user's links. */
const userIndex = (identity: { tenant: string; userId: string; idpId?: string }) => ({ gsi1pk: `${tenantPk(identity.tenant)}#FEDUSER#${identity.userId}`, gsi1sk: `FEDID#${identity.idpId ?? ''}` });

const linkKey = (tenant: string, idpId: string, subject: string) => ({ pk: tenantPk(tenant), sk: `FEDID#${idpId}#${createHash('sha256').update(subject).digest('base64url')}` });

export function createLinkedIdentities(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): LinkedIdentities {
  return {
    async find(tenant, idpId, subject) {
      const { Item } = await db.send(new GetCommand({ TableName: tables.directory, Key: linkKey(tenant, idpId, subject), ConsistentRead: true }));
      if (!Item || Item.tenant !== tenant || Item.subject !== subject) return undefined;
      const { pk: _pk, sk: _sk, ...identity } = Item;
      return identity as LinkedIdentity;
    },
    async link(identity, events) {
      const done = await conditionalWrite(() =>
        db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tables.directory, Item: { ...linkKey(identity.tenant, identity.idpId, identity.subject), ...identity, ...userIndex(identity) }, ConditionExpression: 'attribute_not_exists(pk)' } }, ...auditPuts(tables.audit, events, auditRetentionDays)] })),
      );
      return done ? 'done' : 'exists';
    },
    async listForUser(tenant, userId) {
      const { Items } = await db.send(new QueryCommand({ TableName: tables.directory, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': userIndex({ tenant, userId }).gsi1pk } }));
      return (Items ?? []).filter((i) => i.tenant === tenant && i.userId === userId).map(({ pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, ...identity }) => identity as LinkedIdentity);
    },
  };
}
