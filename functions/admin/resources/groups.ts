import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { administratorPermission, type Group } from '../../../shared/domain/groups/group.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { operation, type AdminCall } from '../api/operation.ts';
import { expectDone, expectedVersion } from '../api/outcomes.ts';
import { isoTime, pageOf } from '../api/schemas.ts';

/** Permissions a group can grant; `admin` makes its members administrators of the tenant. */
const permissions = z.array(z.enum([administratorPermission])).max(10);

const groupFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).optional(),
  permissions: permissions.default([]),
};
const createGroupSchema = z.object(groupFields).strict();
const patchGroupSchema = z.object({ name: groupFields.name.optional(), description: groupFields.description, permissions: permissions.optional() }).strict();

export const groupSchema = z.object({ id: z.string(), name: z.string(), description: z.string().optional(), permissions: z.array(z.string()), createdAt: isoTime, updatedAt: isoTime, version: z.number().int() });

export const groupView = (group: Group) => ({
  id: group.id, name: group.name, ...(group.description ? { description: group.description } : {}), permissions: [...group.permissions],
  createdAt: group.createdAt, updatedAt: group.updatedAt, version: group.version,
});

const idPattern = /^[A-Za-z0-9-]{1,64}$/;

async function existingGroup(call: AdminCall<unknown>): Promise<Group> {
  const id = call.req.pathParameters.groupId ?? '';
  const group = idPattern.test(id) ? await call.req.deps.groups.getGroup(call.tenant.id, id) : undefined;
  if (!group) throw notFound('No such group');
  return group;
}

function memberId(call: AdminCall<unknown>): string {
  const id = call.req.pathParameters.userId ?? '';
  if (!idPattern.test(id)) throw notFound('No such user');
  return id;
}

/** The last way into the tenant's administration cannot be removed by accident. */
async function keepAnAdministrator(call: AdminCall<unknown>, group: Group, losing: string | undefined): Promise<void> {
  if (!group.permissions.includes(administratorPermission)) return;
  const { items } = await call.req.deps.groups.listMembers(call.tenant.id, group.id, { limit: 2 });
  const remaining = losing === undefined ? [] : items.filter((id) => id !== losing);
  const otherGroups = (await call.req.deps.groups.listGroups(call.tenant.id, { limit: 200 })).items.filter((g) => g.id !== group.id && g.permissions.includes(administratorPermission));
  // Another group that grants admin is a way in only if someone is in it.
  const othersWithMembers = await Promise.all(otherGroups.map(async (g) => (await call.req.deps.groups.listMembers(call.tenant.id, g.id, { limit: 1 })).items.length > 0));
  if (remaining.length === 0 && !othersWithMembers.includes(true) && items.length > 0) {
    throw new HttpError(409, 'last_administrator', 'This would leave the tenant without an administrator');
  }
}

/**
 * A user who is an administrator cannot be deleted, locked or disabled while no other active
 * administrator remains: the tenant would have nobody left to run it.
 */
export async function keepAnotherAdministrator(call: AdminCall<unknown>, userId: string): Promise<void> {
  const adminGroups = (await call.req.deps.groups.groupsOf(call.tenant.id, userId)).filter((g) => g.permissions.includes(administratorPermission));
  if (adminGroups.length === 0) return;
  const allAdminGroups = (await call.req.deps.groups.listGroups(call.tenant.id, { limit: 200 })).items.filter((g) => g.permissions.includes(administratorPermission));
  for (const group of allAdminGroups) {
    const { items } = await call.req.deps.groups.listMembers(call.tenant.id, group.id, { limit: 50 });
    for (const id of items.filter((m) => m !== userId)) {
      if ((await call.req.deps.users.getUser(call.tenant.id, id))?.status === 'active') return;
    }
  }
  throw new HttpError(409, 'last_administrator', 'This would leave the tenant without an active administrator');
}

export const groupOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/groups', summary: 'List groups', tag: 'Groups', access: 'read', status: 200, paginated: true, response: pageOf(groupSchema),
    handle: async ({ req, tenant, page }) => {
      const result = await req.deps.groups.listGroups(tenant.id, page);
      return { body: { items: result.items.map(groupView), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'POST /t/{tenant}/api/v1/groups', summary: 'Create a group', tag: 'Groups', access: 'write', status: 201, body: createGroupSchema, response: groupSchema, idempotent: true,
    handle: async (call) => {
      const now = new Date().toISOString();
      const group: Group = { id: randomUUID(), tenant: call.tenant.id, name: call.body.name, ...(call.body.description ? { description: call.body.description } : {}), permissions: call.body.permissions, createdAt: now, updatedAt: now, version: 1 };
      expectDone(await call.req.deps.groups.createGroup(group, [call.event('group.created', `group:${group.id}`, { name: group.name, permissions: group.permissions })]), 'group');
      return { body: groupView(group), version: group.version, headers: { location: `/t/${call.tenant.slug}/api/v1/groups/${group.id}` } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/groups/{groupId}', summary: 'Read a group', tag: 'Groups', access: 'read', status: 200, response: groupSchema,
    handle: async (call) => {
      const group = await existingGroup(call);
      return { body: groupView(group), version: group.version };
    },
  }),
  operation({
    route: 'PATCH /t/{tenant}/api/v1/groups/{groupId}', summary: 'Change a group', tag: 'Groups', access: 'write', status: 200, body: patchGroupSchema, response: groupSchema, conditional: true,
    handle: async (call) => {
      const group = await existingGroup(call);
      const next: Group = {
        ...group,
        ...(call.body.name !== undefined ? { name: call.body.name } : {}),
        ...(call.body.description !== undefined ? { description: call.body.description } : {}),
        ...(call.body.permissions !== undefined ? { permissions: call.body.permissions } : {}),
        updatedAt: new Date().toISOString(),
        version: group.version + 1,
      };
      if (!next.permissions.includes(administratorPermission)) await keepAnAdministrator(call, group, undefined);
      const before = { name: group.name, description: group.description ?? null, permissions: group.permissions };
      const after = { name: next.name, description: next.description ?? null, permissions: next.permissions };
      expectDone(await call.req.deps.groups.updateGroup(next, expectedVersion(call.ifMatch, group), [call.event('group.updated', `group:${group.id}`, { before, after })]), 'group');
      return { body: groupView(next), version: next.version };
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/groups/{groupId}', summary: 'Delete a group and its memberships', tag: 'Groups', access: 'write', status: 204, conditional: true,
    handle: async (call) => {
      const group = await existingGroup(call);
      await keepAnAdministrator(call, group, undefined);
      expectDone(await call.req.deps.groups.deleteGroup(call.tenant.id, group.id, expectedVersion(call.ifMatch, group), [call.event('group.deleted', `group:${group.id}`, { name: group.name })]), 'group');
      return {};
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/groups/{groupId}/members', summary: 'List a group’s members (user ids)', tag: 'Groups', access: 'read', status: 200, paginated: true, response: pageOf(z.object({ userId: z.string() })),
    handle: async (call) => {
      const group = await existingGroup(call);
      const result = await call.req.deps.groups.listMembers(call.tenant.id, group.id, call.page);
      return { body: { items: result.items.map((userId) => ({ userId })), ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'PUT /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', summary: 'Add a user to a group', tag: 'Groups', access: 'write', status: 204,
    handle: async (call) => {
      const group = await existingGroup(call);
      const userId = memberId(call);
      const outcome = await call.req.deps.groups.addMember(call.tenant.id, group.id, userId, [call.event('group.member_added', `group:${group.id}`, { userId, group: group.name })]);
      if (outcome === 'missing') throw notFound('No such user');
      return {};
    },
  }),
  operation({
    route: 'DELETE /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', summary: 'Remove a user from a group', tag: 'Groups', access: 'write', status: 204,
    handle: async (call) => {
      const group = await existingGroup(call);
      const userId = memberId(call);
      await keepAnAdministrator(call, group, userId);
      const outcome = await call.req.deps.groups.removeMember(call.tenant.id, group.id, userId, [call.event('group.member_removed', `group:${group.id}`, { userId, group: group.name })]);
      if (outcome === 'missing') throw notFound('No such membership');
      return {};
    },
  }),
];
