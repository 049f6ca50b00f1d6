import type { AuditEvent } from '../audit/event.ts';
import type { Group } from '../groups/group.ts';
import type { Page, PageRequest } from './pages.ts';

/** Outcomes of a conditional change: `conflict` = the stored version is not the expected one; `taken` = a unique name is in use. */
export type GroupWrite = 'done' | 'missing' | 'conflict' | 'taken';

/** Groups and memberships of a tenant (Directory table), each change written with its audit events. */
export interface GroupDirectory {
  createGroup(group: Group, events: readonly AuditEvent[]): Promise<'done' | 'taken'>;
  getGroup(tenant: string, groupId: string): Promise<Group | undefined>;
  /** Replaces the group when its stored version is `expectedVersion` (the new one carries version + 1). */
  updateGroup(group: Group, expectedVersion: number, events: readonly AuditEvent[]): Promise<GroupWrite>;
  /** Deletes the group and all its memberships; `expectedVersion` undefined skips the version check. */
  deleteGroup(tenant: string, groupId: string, expectedVersion: number | undefined, events: readonly AuditEvent[]): Promise<GroupWrite>;
  listGroups(tenant: string, page: PageRequest): Promise<Page<Group>>;

  /** `missing` when the group or the user does not exist in this tenant. */
  addMember(tenant: string, groupId: string, userId: string, events: readonly AuditEvent[]): Promise<'done' | 'exists' | 'missing'>;
  removeMember(tenant: string, groupId: string, userId: string, events: readonly AuditEvent[]): Promise<'done' | 'missing'>;
  /** User ids of the group's members, a page at a time. */
  listMembers(tenant: string, groupId: string, page: PageRequest): Promise<Page<string>>;
  /** Every group the user belongs to (gsi1: everything held for one user). */
  groupsOf(tenant: string, userId: string): Promise<Group[]>;
}
