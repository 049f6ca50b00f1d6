import { randomBytes, randomUUID } from 'node:crypto';
import { createAuditEvent, type AuditEvent } from '../../shared/domain/audit/event.ts';
import type { Group } from '../../shared/domain/groups/group.ts';
import type { User } from '../../shared/domain/users/user.ts';

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

export const auditEvent = (tenant: string, type: string, subject?: string): AuditEvent =>
  createAuditEvent({ tenant, type, actor: { kind: 'administrator', id: 'test' }, outcome: 'success', details: {}, ...(subject ? { subject } : {}) });
