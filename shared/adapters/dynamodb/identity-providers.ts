import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
        db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tables.directory, Item: { ...linkKey(identity.tenant, identity.idpId, identity.subject), ...identity }, ConditionExpression: 'attribute_not_exists(pk)' } }, ...auditPuts(tables.audit, events, auditRetentionDays)] })),
      );
      return done ? 'done' : 'exists';
    },
  };
}
