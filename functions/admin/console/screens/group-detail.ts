import { normalizeIdentifier } from '../../../../shared/domain/users/user.ts';
import { userByLogin } from './users.ts';
import { badRequest, HttpError } from '../../../../shared/http/errors.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, requiredFormVersion, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { deleteGroupPage, groupPage } from './groups-view.ts';
import { groupBodyOf, renderGroups } from './groups.ts';
import { labelOf, type GroupRecord, type UserRecord } from './user-record.ts';

/**
 * A group's page: its members (added by email or username, removed), its name and permissions,
 * and its deletion after the name is typed. The API refuses what would leave the tenant without
 * an administrator, and its reason is what the page says.
 */

const memberLimit = 100;

const readGroup = (req: ConsoleRequest, caller: ConsoleCaller, groupId: string) => callOperation<GroupRecord>(req, caller, 'GET /t/{tenant}/api/v1/groups/{groupId}', { path: { groupId } });

async function memberOf(req: ConsoleRequest, caller: ConsoleCaller, userId: string) {
  try {
    const user = await callOperation<UserRecord>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path: { userId } });
    return { id: userId, label: labelOf(user), status: user.status };
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return { id: userId, label: userId };
    throw error;
  }
}

async function renderGroup(req: ConsoleRequest, caller: ConsoleCaller, groupId: string, notice?: Notice): Promise<HttpResponse> {
  const group = await readGroup(req, caller, groupId);
  const page = await callOperation<{ items: Array<{ userId: string }>; next_cursor?: string }>(req, caller, 'GET /t/{tenant}/api/v1/groups/{groupId}/members', { path: { groupId }, query: { limit: String(memberLimit) } });
  const members = await Promise.all(page.items.map((m) => memberOf(req, caller, m.userId)));
  return renderScreen(req, caller, 'groups', (frame) => groupPage(frame, { group, members, more: page.next_cursor !== undefined, ...(notice ? { notice } : {}) }));
}

/** A form on the group's page: CSRF checked, the action run, the page again with what it did or the API's reason. */
const groupAction = (act: (req: ConsoleRequest, caller: ConsoleCaller, group: GroupRecord, form: URLSearchParams) => Promise<string>) => withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const groupId = req.pathParameters.groupId ?? '';
  let notice: Notice;
  try {
    notice = { ok: true, text: await act(req, caller, await readGroup(req, caller, groupId), form) };
  } catch (error) {
    notice = refusalOf(error);
  }
  return renderGroup(req, caller, groupId, notice);
});

const edit = groupAction(async (req, caller, group, form) => {
  const saved = await callOperation<GroupRecord>(req, caller, 'PATCH /t/{tenant}/api/v1/groups/{groupId}', { path: { groupId: group.id }, body: groupBodyOf(form), ifMatch: requiredFormVersion(form) });
  return `The group ${saved.name} was saved.`;
});

const addMember = groupAction(async (req, caller, group, form) => {
  const login = (form.get('login') ?? '').trim().slice(0, 256);
  const found = login ? await userByLogin(req, caller, login) : undefined;
  if (!found) throw badRequest('No user has that email or username.');
  await callOperation(req, caller, 'PUT /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', { path: { groupId: group.id, userId: found.id } });
  return `${login} was added to ${group.name}.`;
});

const removeMember = groupAction(async (req, caller, group, form) => {
  const userId = form.get('user') ?? '';
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', { path: { groupId: group.id, userId } });
  return `Removed from ${group.name}.`;
});

const renderConfirmation = (req: ConsoleRequest, caller: ConsoleCaller, group: GroupRecord, notice?: Notice) =>
  renderScreen(req, caller, 'groups', (frame) => deleteGroupPage(frame, { group, ...(notice ? { notice } : {}) }));

/** POST /t/{tenant}/console/groups/{groupId}/delete: deleted when the confirmation is its name. */
const erase = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const group = await readGroup(req, caller, req.pathParameters.groupId ?? '');
  if (normalizeIdentifier((form.get('confirm') ?? '').slice(0, 100)) !== normalizeIdentifier(group.name)) return renderConfirmation(req, caller, group, { ok: false, text: `Type ${group.name} to confirm the deletion.` });
  try {
    await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/groups/{groupId}', { path: { groupId: group.id }, ifMatch: group.version });
  } catch (error) {
    return renderConfirmation(req, caller, group, refusalOf(error));
  }
  return renderGroups(req, caller, { notice: { ok: true, text: `The group ${group.name} was deleted.` } });
});

export const groupDetailRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/groups/{groupId}': withCaller((req, caller) => renderGroup(req, caller, req.pathParameters.groupId ?? '')),
  'POST /t/{tenant}/console/groups/{groupId}/edit': edit,
  'POST /t/{tenant}/console/groups/{groupId}/members/add': addMember,
  'POST /t/{tenant}/console/groups/{groupId}/members/remove': removeMember,
  'GET /t/{tenant}/console/groups/{groupId}/delete': withCaller(async (req, caller) => renderConfirmation(req, caller, await readGroup(req, caller, req.pathParameters.groupId ?? ''))),
  'POST /t/{tenant}/console/groups/{groupId}/delete': erase,
};
