import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/audit/event.ts';
import { EntityIdInUse, type ServiceProviderRegistry } from '../../domain/ports/service-provider-registry.ts';
import type { ServiceProvider } from '../../domain/saml/service-provider.ts';
import { auditPuts } from './audit-item.ts';
import { cancellationCodes, conditionFailedAt, tenantPk } from './keys.ts';
import { queryPage } from './listing.ts';
import type { TableNames } from './table-names.ts';

const spSk = (id: string) => `SAMLSP#${id}`;
/** Marker holding an entityID for one SP (hashed: entityIDs are long URIs). */
const entitySk = (entityId: string) => `SPENTITY#${createHash('sha256').update(entityId).digest('base64url')}`;

const spOf = (item: Record<string, unknown>): ServiceProvider => {
  const { pk: _pk, sk: _sk, ...sp } = item;
  return sp as unknown as ServiceProvider;
};

export function createServiceProviderRegistry(db: DynamoDBDocumentClient, tables: TableNames, auditRetentionDays: number): ServiceProviderRegistry {
  const T = tables.directory;
  const audit = (events: readonly AuditEvent[]) => auditPuts(tables.audit, events, auditRetentionDays);
  const item = (sp: ServiceProvider) => ({ pk: tenantPk(sp.tenant), sk: spSk(sp.id), ...sp });
  const claimEntity = (sp: ServiceProvider) => ({ Put: { TableName: T, Item: { pk: tenantPk(sp.tenant), sk: entitySk(sp.entityId), spId: sp.id }, ConditionExpression: 'attribute_not_exists(pk)' } });
  const releaseEntity = (sp: ServiceProvider) => ({ Delete: { TableName: T, Key: { pk: tenantPk(sp.tenant), sk: entitySk(sp.entityId) } } });
  const atVersion = { ConditionExpression: 'version = :v' };

  async function write(items: object[], entityClaimIndex: number | undefined): Promise<boolean> {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items as never }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (entityClaimIndex !== undefined && conditionFailedAt(codes, [entityClaimIndex])) throw new EntityIdInUse('Another service provider has this entityID');
      if (conditionFailedAt(codes, [0])) return false;
      throw error;
    }
  }

  return {
    async get(tenant, id) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: { pk: tenantPk(tenant), sk: spSk(id) } }));
      return Item && Item.tenant === tenant ? spOf(Item) : undefined;
    },
    async findByEntityId(tenant, entityId) {
      const { Item } = await db.send(new GetCommand({ TableName: T, Key: { pk: tenantPk(tenant), sk: entitySk(entityId) } }));
      if (!Item || typeof Item.spId !== 'string') return undefined;
      const sp = await this.get(tenant, Item.spId);
      return sp?.entityId === entityId ? sp : undefined;
    },
    async list(tenant, page) {
      const result = await queryPage(db, T, tenantPk(tenant), spSk(''), page);
      return { ...result, items: result.items.map(spOf) };
    },
    async create(sp, events) {
      await write([{ Put: { TableName: T, Item: item(sp), ConditionExpression: 'attribute_not_exists(pk)' } }, claimEntity(sp), ...audit(events)], 1);
    },
    async replace(previous, next, events) {
      const put = { Put: { TableName: T, Item: item(next), ...atVersion, ExpressionAttributeValues: { ':v': previous.version } } };
      const moved = previous.entityId !== next.entityId;
      return write([put, ...(moved ? [claimEntity(next), releaseEntity(previous)] : []), ...audit(events)], moved ? 1 : undefined);
    },
    async remove(sp, events) {
      const del = { Delete: { TableName: T, Key: { pk: tenantPk(sp.tenant), sk: spSk(sp.id) }, ...atVersion, ExpressionAttributeValues: { ':v': sp.version } } };
      return write([del, releaseEntity(sp), ...audit(events)], undefined);
    },
  };
}
