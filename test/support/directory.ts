import type { AuditEventType } from '../../shared/domain/audit/catalogue.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { createAuditEvent, type AuditEvent } from '../../shared/domain/audit/event.ts';
import type { Group } from '../../shared/domain/groups/group.ts';
import type { User } from '../../shared/domain/users/user.ts';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createGroupDirectory } from '../../shared/adapters/dynamodb/group-directory.ts';
import { tableNamesFromEnvironment, type TableNames } from '../../shared/adapters/dynamodb/table-names.ts';
import { createUserDirectory } from '../../shared/adapters/dynamodb/user-directory.ts';
import type { GroupDirectory } from '../../shared/domain/ports/group-directory.ts';
import type { UserDirectory } from '../../shared/domain/ports/user-directory.ts';
import { useSharedRuntimeEnvironment } from './aws-env.ts';

const stamp = () => new Date().toISOString();

/** A new user of the tenant (version 1) with a unique userName and email, unless given. */
export function newUser(tenant: string, overrides: Partial<User> = {}): User {
  const handle = `user-${randomBytes(4).toString('hex')}`;
  return {
    id: randomUUID(),
    tenant,
    userName: handle,
    emails: [{ value: `${handle}@example.com`, verified: true, primary: true }],
    name: { givenName: 'Grace', familyName: 'Hopper' },
    status: 'active',
    attributes: {},
    createdAt: stamp(),
    updatedAt: stamp(),
    version: 1,
    ...overrides,
  };
}

/** A new group of the tenant (version 1) with a unique name, unless given. */
export function newGroup(tenant: string, overrides: Partial<Group> = {}): Group {
  return {
    id: randomUUID(),
    tenant,
    name: `group-${randomBytes(4).toString('hex')}`,
    permissions: [],
    createdAt: stamp(),
    updatedAt: stamp(),
    version: 1,
    ...overrides,
  };
}

/** The next version of an entity, as an administrator's change makes it. */
export const changed = <T extends { version: number; updatedAt: string }>(entity: T, changes: Partial<T>): T => ({ ...entity, ...changes, version: entity.version + 1, updatedAt: stamp() });

/** Details that fit the catalogue's schema of every type the adapter tests record (they check storage, not content). */
const fixtureDetails = { name: 'test', userName: 'test', userId: 'test', group: 'test', reason: 'test', before: {}, after: {} };

export const auditEvent = (tenant: string, type: AuditEventType, subject?: string): AuditEvent =>
  createAuditEvent({ tenant, type, actor: { kind: 'administrator', id: 'test' }, outcome: 'success', details: fixtureDetails, ...(subject ? { subject } : {}) });

/** The user and group directories of the shared runtime, with the client and tables under them (make in `before`). */
export function directoryAdapters(): { db: DynamoDBDocumentClient; tables: TableNames; users: UserDirectory; groups: GroupDirectory } {
  useSharedRuntimeEnvironment();
  const db = createDocumentClient();
  const tables = tableNamesFromEnvironment();
  return { db, tables, users: createUserDirectory(db, tables, 1), groups: createGroupDirectory(db, tables, 1) };
}

/** Every Directory item under a tenant, read straight from the table. */
export async function directoryItems(slug: string): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await createDocumentClient().send(new QueryCommand({ TableName: tableNamesFromEnvironment().directory, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TENANT#${slug}` }, ConsistentRead: true }));
  return Items;
}

/** Whether this very event is in the Audit table. */
export async function audited(event: AuditEvent): Promise<boolean> {
  const { Item } = await createDocumentClient().send(new GetCommand({ TableName: tableNamesFromEnvironment().audit, Key: { pk: `TENANT#${event.tenant}`, sk: `EVENT#${event.time}#${event.id}` }, ConsistentRead: true }));
  return Item !== undefined;
}
