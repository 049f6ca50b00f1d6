import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import type { Group } from '../../domain/groups/group.ts';
import type { PendingSignup, TenantActivation, TenantRegistry } from '../../domain/ports/tenant-registry.ts';
import { auditPuts } from './audit-item.ts';
import { clientItem } from './client-registry.ts';
import { groupItem, groupNameMarkerItem, membershipItem } from './group-directory.ts';
import { confirmationPk, isConditionFailure, ttlSeconds } from './keys.ts';
import type { TableNames } from './table-names.ts';
import { tenantItem, tenantKey } from './tenant-directory.ts';
import { loginMarkerItem, loginsOf, newUserItem } from './user-directory.ts';

export function createTenantRegistry(client: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): TenantRegistry {
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);

  return {
    async registerPending(signup: PendingSignup, confirmationHash: string, events, now) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                // One slug, one tenant: a pending signup holds it until its link expires.
                Put: {
                  TableName: tables.directory,
                  Item: { ...tenantItem({ id: signup.tenant, slug: signup.tenant, displayName: signup.organizationName, status: 'pending' }), pendingUntil: signup.expiresAt, signup },
                  ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND pendingUntil < :now)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':pending': 'pending', ':now': now },
                },
              },
              {
                Put: {
                  TableName: tables.sessions,
                  Item: { pk: confirmationPk(confirmationHash), sk: 'SIGNUP', tenant: signup.tenant, expiresAt: ttlSeconds(signup.expiresAt), expiresAtMs: signup.expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...audit(events),
            ],
          }),
        );
        return 'registered';
      } catch (error) {
        if (isConditionFailure(error)) return 'taken';
        throw error;
      }
    },

    async pendingSignupFor(confirmationHash, now) {
      const { Item: token } = await client.send(new GetCommand({ TableName: tables.sessions, Key: { pk: confirmationPk(confirmationHash), sk: 'SIGNUP' }, ConsistentRead: true }));
      if (!token || token.expiresAtMs <= now) return undefined;
      const { Item: tenant } = await client.send(new GetCommand({ TableName: tables.directory, Key: tenantKey(token.tenant), ConsistentRead: true }));
      if (tenant?.status !== 'pending' || !tenant.signup) return undefined;
      return tenant.signup as PendingSignup;
    },

    async activate(activation: TenantActivation) {
      const { admin, managementClient: mc } = activation;
      // The first group is stored like every other: versioned, with its name marker.
      const group: Group = { ...activation.administratorsGroup, tenant: activation.tenant, createdAt: admin.createdAt, updatedAt: admin.createdAt, version: 1 };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: tables.sessions, Key: { pk: confirmationPk(activation.confirmationHash), sk: 'SIGNUP' }, ConditionExpression: 'attribute_exists(pk)' } },
              {
                Update: {
                  TableName: tables.directory,
                  Key: tenantKey(activation.tenant),
                  UpdateExpression: 'SET #status = :active, displayName = :name, settings = :settings, activatedAt = :now REMOVE signup, pendingUntil',
                  ConditionExpression: '#status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':name': activation.displayName, ':settings': activation.settings, ':now': admin.createdAt },
                },
              },
              { Put: { TableName: tables.directory, Item: newUserItem(admin, activation.adminPasswordHash), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...loginsOf(admin).map((login) => ({
                Put: { TableName: tables.directory, Item: loginMarkerItem(activation.tenant, login, admin.id), ConditionExpression: 'attribute_not_exists(pk)' },
              })),
              { Put: { TableName: tables.directory, Item: groupItem(group), ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: tables.directory, Item: groupNameMarkerItem(group), ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: tables.directory, Item: membershipItem(activation.tenant, group.id, admin.id) } },
              { Put: { TableName: tables.directory, Item: clientItem(mc), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...audit(activation.events),
            ],
          }),
        );
        return 'activated';
      } catch (error) {
        if (isConditionFailure(error)) return 'already-used';
        throw error;
      }
    },
  };
}
