import { endUserSessionsFrom } from '../../../shared/http/session-ending.ts';
import { allPages } from '../../../shared/domain/ports/pages.ts';
import { equalityConditions, matches } from '../../../shared/domain/scim/filter.ts';
import { applyPatch } from '../../../shared/domain/scim/patch.ts';
import { parseAttributeList } from '../../../shared/domain/scim/projection.ts';
import { hashSecret } from '../../../shared/domain/secrets/secret-hashing.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { passwordProblems } from '../../../shared/domain/users/password-policy.ts';
import { InvalidUserChange, newUser, replacedUser, userDiff } from '../../../shared/domain/users/user-changes.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import type { HttpResponse } from '../../../shared/http/request.ts';
import { listQueryFromSearch, listQueryFromUrl, listResponse, projected, type ListQuery } from '../api/list-query.ts';
import { checkIfMatch, etagOf, scimBody, scimError, scimJson, type ScimCall } from '../api/scim-route.ts';
import { parseScimUser, scimUserOf, userInputOf, type ScimUserInput } from './user-resource.ts';

const notFound = (id: string) => scimError(404, `User ${id} not found`);
const idPattern = /^[A-Za-z0-9-]{1,64}$/;

export async function existingUser(call: ScimCall, id: string | undefined): Promise<User> {
  const user = id && idPattern.test(id) ? await call.req.deps.users.getUser(call.tenant.id, id) : undefined;
  if (!user) throw notFound(id ?? '');
  return user;
}

const wantsGroups = (query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>) =>
  !query.excludedAttributes?.some((a) => a.toLowerCase() === 'groups');

const allUsers = (call: ScimCall) => allPages((page) => call.req.deps.users.listUsers(call.tenant.id, page));

/**
 * The users a filter can match, read the cheapest way: `id eq` is one read, `userName eq` and
 * `emails eq` / `emails.value eq` one login lookup (userName and emails share the login index),
 * `externalId eq` one index query; anything else reads the tenant's users (the query plan the
 * benchmark reports).
 */
async function candidates(call: ScimCall, query: ListQuery): Promise<User[]> {
  const conditions = query.filter ? equalityConditions(query.filter) : [];
  const by = (paths: string[]) => conditions.find((c) => paths.includes(c.path.toLowerCase()));
  const byId = by(['id']);
  if (byId) return idPattern.test(byId.value) ? [await call.req.deps.users.getUser(call.tenant.id, byId.value)].filter((u): u is User => u !== undefined) : [];
  const byLogin = by(['username', 'emails', 'emails.value', `${'urn:ietf:params:scim:schemas:core:2.0:User:'}username`]);
  if (byLogin) {
    const found = byLogin.value.length <= 256 ? await call.req.deps.users.findByLogin(call.tenant.id, byLogin.value) : undefined;
    return found ? [found.user] : [];
  }
  const byExternalId = by(['externalid']);
  if (byExternalId) return byExternalId.value.length <= 256 ? call.req.deps.users.findByExternalId(call.tenant.id, byExternalId.value) : [];
  return allUsers(call);
}

async function list(call: ScimCall, query: ListQuery): Promise<HttpResponse> {
  const groupsAsked = query.attributes?.some((a) => a.toLowerCase() === 'groups' || a.toLowerCase().startsWith('groups.')) ?? false;
  const users = await candidates(call, query);
  // Groups cost a query per user: read only when asked for or filtered on.
  const withGroups = groupsAsked || (query.filterText !== undefined && /groups/i.test(query.filterText));
  const resources = await Promise.all(users.map(async (u) => scimUserOf(u, call.base, withGroups ? await call.req.deps.groups.groupsOf(call.tenant.id, u.id) : undefined)));
  const matching = query.filter ? resources.filter((r) => matches(query.filter!, r)) : resources;
  return scimJson(200, listResponse(matching, query));
}

export const listUsers = (call: ScimCall) => list(call, listQueryFromUrl(call.req.query));
export const searchUsers = (call: ScimCall) => list(call, listQueryFromSearch(scimBody(call.req)));

function checkPassword(call: ScimCall, password: string, user: User): void {
  const problems = passwordProblems(password, settingsOf(call.tenant).passwordPolicy, { personal: [user.userName, ...user.emails.map((e) => e.value)] });
  if (problems.length) throw scimError(400, `password: ${problems[0]}`, 'invalidValue');
}

function domainChecked<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidUserChange) throw scimError(400, `${error.path}: ${error.message}`, 'invalidValue');
    throw error;
  }
}

const single = async (call: ScimCall, user: User, status: number, headers: Record<string, string> = {}) => {
  const query = { ...(call.req.query.has('attributes') ? { attributes: parseAttributeList(call.req.query.get('attributes')) ?? [] } : {}), ...(call.req.query.has('excludedAttributes') ? { excludedAttributes: parseAttributeList(call.req.query.get('excludedAttributes')) ?? [] } : {}) };
  const groups = wantsGroups(query) ? await call.req.deps.groups.groupsOf(call.tenant.id, user.id) : undefined;
  return scimJson(status, projected(scimUserOf(user, call.base, groups), query), { etag: etagOf(user.version), ...headers });
};

export async function createUser(call: ScimCall): Promise<HttpResponse> {
  const scim = parseScimUser(scimBody(call.req));
  const base = domainChecked(() => newUser(call.tenant.id, userInputOf(scim), new Date()));
  const user: User = scim.active === false ? { ...base, status: 'disabled' } : base;
  if (scim.password !== undefined) checkPassword(call, scim.password, user);
  const outcome = await call.req.deps.users.createUser(user, scim.password !== undefined ? { passwordHash: await hashSecret('password', scim.password) } : {}, [
    call.event('user.created', user.id, { userName: user.userName, externalId: user.externalId ?? null, withPassword: scim.password !== undefined }),
  ]);
  if (outcome === 'taken') throw scimError(409, 'userName or an email is already in use', 'uniqueness');
  return single(call, user, 201, { location: `${call.base}/Users/${user.id}` });
}

export async function getUser(call: ScimCall): Promise<HttpResponse> {
  return single(call, await existingUser(call, call.req.pathParameters.id), 200);
}

/** Stores a user described whole (PUT, or the result of a PATCH), ending sessions when it is deactivated. */
async function store(call: ScimCall, user: User, scim: ScimUserInput): Promise<HttpResponse> {
  const next = domainChecked(() => replacedUser(user, userInputOf(scim, user.attributes), scim.active, new Date()));
  if (scim.password !== undefined) checkPassword(call, scim.password, next);
  const outcome = await call.req.deps.users.updateUser(next, user.version, scim.password !== undefined ? { passwordHash: await hashSecret('password', scim.password) } : {}, [
    call.event('user.updated', user.id, { ...userDiff(user, next), passwordChanged: scim.password !== undefined }),
  ]);
  if (outcome === 'taken') throw scimError(409, 'userName or an email is already in use', 'uniqueness');
  if (outcome === 'conflict') throw scimError(412, 'The user changed meanwhile; read it again');
  if (outcome === 'missing') throw notFound(user.id);
  if (next.status !== 'active' && user.status === 'active') {
    await endUserSessionsFrom(call.req, call.tenant, user.id, 'deprovisioned');
  }
  return single(call, next, 200);
}

export async function replaceUser(call: ScimCall): Promise<HttpResponse> {
  const user = await existingUser(call, call.req.pathParameters.id);
  checkIfMatch(call.req, user.version);
  const body = scimBody(call.req);
  if (body.id !== undefined && body.id !== user.id) throw scimError(400, 'id cannot change', 'mutability');
  return store(call, user, parseScimUser(body));
}

export async function patchUser(call: ScimCall): Promise<HttpResponse> {
  const user = await existingUser(call, call.req.pathParameters.id);
  checkIfMatch(call.req, user.version);
  const current = scimUserOf(user, call.base, await call.req.deps.groups.groupsOf(call.tenant.id, user.id));
  const patched = applyPatch(current, scimBody(call.req), { readOnly: ['id', 'meta', 'groups'], replaceMissingAsAdd: true });
  return store(call, user, parseScimUser(patched));
}

export async function deleteUser(call: ScimCall): Promise<HttpResponse> {
  const user = await existingUser(call, call.req.pathParameters.id);
  checkIfMatch(call.req, user.version);
  await endUserSessionsFrom(call.req, call.tenant, user.id, 'deprovisioned');
  const outcome = await call.req.deps.users.deleteUser(call.tenant.id, user.id, user.version, [call.event('user.deleted', user.id, { userName: user.userName })]);
  if (outcome === 'missing') throw notFound(user.id);
  if (outcome === 'conflict') throw scimError(412, 'The user changed meanwhile; read it again');
  return { statusCode: 204, headers: {}, body: '' };
}
