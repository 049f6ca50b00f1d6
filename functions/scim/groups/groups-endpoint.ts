import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Group } from '../../../shared/domain/groups/group.ts';
import { coreGroupSchema as groupSchemaUrn } from '../../../shared/domain/scim/path.ts';
import { allPages } from '../../../shared/domain/ports/pages.ts';
import { equalityConditions, matches } from '../../../shared/domain/scim/filter.ts';
import { applyPatch } from '../../../shared/domain/scim/patch.ts';
import { parseAttributeList } from '../../../shared/domain/scim/projection.ts';
import type { HttpResponse } from '../../../shared/http/request.ts';
import { listQueryFromSearch, listQueryFromUrl, listResponse, projected, type ListQuery } from '../api/list-query.ts';
import { checkIfMatch, etagOf, scimBody, scimError, scimJson, type ScimCall } from '../api/scim-route.ts';

const idPattern = /^[A-Za-z0-9-]{1,64}$/;
const notFound = (id: string) => scimError(404, `Group ${id} not found`);

const scimGroupInput = z
  .object({
    displayName: z.string().trim().min(1).max(100),
    externalId: z.string().max(256).optional(),
    members: z.array(z.object({ value: z.string().regex(idPattern, 'a user id'), type: z.string().optional() }).loose()).max(10_000).optional(),
  })
  .loose();

function parseScimGroup(value: unknown) {
  const parsed = scimGroupInput.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw scimError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`, 'invalidValue');
}

const memberIds = (call: ScimCall, groupId: string) => allPages((page) => call.req.deps.groups.listMembers(call.tenant.id, groupId, page));

/** RFC 7643 §4.2: the Group as SCIM shows it; members only when they were read. */
function scimGroupOf(group: Group, base: string, members?: readonly string[]): Record<string, unknown> {
  return {
    schemas: [groupSchemaUrn],
    id: group.id,
    displayName: group.name,
    ...(members ? { members: members.map((id) => ({ value: id, $ref: `${base}/Users/${id}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: group.createdAt, lastModified: group.updatedAt, location: `${base}/Groups/${group.id}`, version: etagOf(group.version) },
  };
}

const membersWanted = (query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>) =>
  !query.excludedAttributes?.some((a) => a.toLowerCase() === 'members') && (!query.attributes || query.attributes.some((a) => a.toLowerCase().startsWith('members')));

async function existingGroup(call: ScimCall): Promise<Group> {
  const id = call.req.pathParameters.id ?? '';
  const group = idPattern.test(id) ? await call.req.deps.groups.getGroup(call.tenant.id, id) : undefined;
  if (!group) throw notFound(id);
  return group;
}

const allGroups = (call: ScimCall) => allPages((page) => call.req.deps.groups.listGroups(call.tenant.id, page));

async function list(call: ScimCall, query: ListQuery): Promise<HttpResponse> {
  const byId = query.filter ? equalityConditions(query.filter).find((c) => c.path.toLowerCase() === 'id') : undefined;
  const groups = byId ? [idPattern.test(byId.value) ? await call.req.deps.groups.getGroup(call.tenant.id, byId.value) : undefined].filter((g): g is Group => g !== undefined) : await allGroups(call);
  const withMembers = membersWanted(query) || (query.filterText !== undefined && /members/i.test(query.filterText));
  const resources = await Promise.all(groups.map(async (g) => scimGroupOf(g, call.base, withMembers ? await memberIds(call, g.id) : undefined)));
  return scimJson(200, listResponse(query.filter ? resources.filter((r) => matches(query.filter!, r)) : resources, query));
}

export const listGroups = (call: ScimCall) => list(call, listQueryFromUrl(call.req.query));
export const searchGroups = (call: ScimCall) => list(call, listQueryFromSearch(scimBody(call.req)));

async function single(call: ScimCall, group: Group, status: number, members?: readonly string[], headers: Record<string, string> = {}): Promise<HttpResponse> {
  const query = { ...(call.req.query.has('attributes') ? { attributes: parseAttributeList(call.req.query.get('attributes')) ?? [] } : {}), ...(call.req.query.has('excludedAttributes') ? { excludedAttributes: parseAttributeList(call.req.query.get('excludedAttributes')) ?? [] } : {}) };
  const ids = members ?? (membersWanted(query) ? await memberIds(call, group.id) : undefined);
  return scimJson(status, projected(scimGroupOf(group, call.base, ids), query), { etag: etagOf(group.version), ...headers });
}

/** Brings the stored members to the wanted set, one audited change per added or removed user. */
async function syncMembers(call: ScimCall, group: Group, current: readonly string[], wanted: readonly string[]): Promise<string[]> {
  const want = [...new Set(wanted)];
  for (const userId of want.filter((id) => !current.includes(id))) {
    const outcome = await call.req.deps.groups.addMember(call.tenant.id, group.id, userId, [call.event('group.member_added', `group:${group.id}`, { userId, group: group.name })]);
    if (outcome === 'missing') throw scimError(400, `members: no user ${userId}`, 'invalidValue');
  }
  for (const userId of current.filter((id) => !want.includes(id))) {
    await call.req.deps.groups.removeMember(call.tenant.id, group.id, userId, [call.event('group.member_removed', `group:${group.id}`, { userId, group: group.name })]);
  }
  return want;
}

export async function createGroup(call: ScimCall): Promise<HttpResponse> {
  const input = parseScimGroup(scimBody(call.req));
  const now = new Date().toISOString();
  const group: Group = { id: randomUUID(), tenant: call.tenant.id, name: input.displayName, permissions: [], createdAt: now, updatedAt: now, version: 1 };
  const outcome = await call.req.deps.groups.createGroup(group, [call.event('group.created', `group:${group.id}`, { name: group.name })]);
  if (outcome === 'taken') throw scimError(409, 'A group with this displayName exists', 'uniqueness');
  const members = await syncMembers(call, group, [], (input.members ?? []).map((m) => m.value));
  return single(call, group, 201, members, { location: `${call.base}/Groups/${group.id}` });
}

export async function getGroup(call: ScimCall): Promise<HttpResponse> {
  return single(call, await existingGroup(call), 200);
}

/** Stores a group described whole (PUT, or the result of a PATCH): its name, then its members. */
async function store(call: ScimCall, group: Group, current: readonly string[], input: z.output<typeof scimGroupInput>, membersGiven: boolean): Promise<HttpResponse> {
  let next = group;
  if (input.displayName !== group.name) {
    next = { ...group, name: input.displayName, updatedAt: new Date().toISOString(), version: group.version + 1 };
    const outcome = await call.req.deps.groups.updateGroup(next, group.version, [call.event('group.updated', `group:${group.id}`, { before: { name: group.name }, after: { name: next.name } })]);
    if (outcome === 'taken') throw scimError(409, 'A group with this displayName exists', 'uniqueness');
    if (outcome === 'conflict') throw scimError(412, 'The group changed meanwhile; read it again');
    if (outcome === 'missing') throw notFound(group.id);
  }
  const members = membersGiven ? await syncMembers(call, next, current, (input.members ?? []).map((m) => m.value)) : [...current];
  return single(call, next, 200, members);
}

/** Groups that grant permissions (administrators) are the admin API's: a provisioning client cannot make administrators. */
function checkProvisionable(group: Group): void {
  if (group.permissions.length) throw scimError(400, 'Groups that grant permissions here (such as administrators) are managed in the admin API, not by provisioning', 'mutability');
}

export async function replaceGroup(call: ScimCall): Promise<HttpResponse> {
  const group = await existingGroup(call);
  checkIfMatch(call.req, group.version);
  checkProvisionable(group);
  const body = scimBody(call.req);
  if (body.id !== undefined && body.id !== group.id) throw scimError(400, 'id cannot change', 'mutability');
  return store(call, group, await memberIds(call, group.id), parseScimGroup(body), true);
}

export async function patchGroup(call: ScimCall): Promise<HttpResponse> {
  const group = await existingGroup(call);
  checkIfMatch(call.req, group.version);
  checkProvisionable(group);
  const current = await memberIds(call, group.id);
  const patched = applyPatch(scimGroupOf(group, call.base, current), scimBody(call.req), { readOnly: ['id', 'meta'] });
  return store(call, group, current, parseScimGroup(patched), true);
}

export async function deleteGroup(call: ScimCall): Promise<HttpResponse> {
  const group = await existingGroup(call);
  checkIfMatch(call.req, group.version);
  checkProvisionable(group);
  const outcome = await call.req.deps.groups.deleteGroup(call.tenant.id, group.id, group.version, [call.event('group.deleted', `group:${group.id}`, { name: group.name })]);
  if (outcome === 'missing') throw notFound(group.id);
  if (outcome === 'conflict') throw scimError(412, 'The group changed meanwhile; read it again');
  return { statusCode: 204, headers: {}, body: '' };
}
