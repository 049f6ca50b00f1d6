import { normalizeIdentifier } from '../../../../shared/domain/users/user.ts';
import { badRequest } from '../../../../shared/http/errors.ts';
import { callOperation, requiredFormVersion, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { renderUser, userAction } from './user-page.ts';
import { labelOf, type GroupRecord, type UserRecord } from './user-record.ts';

/** The user's page and what its forms do, each through the admin API's own operation. */

const readUser = (req: ConsoleRequest, caller: ConsoleCaller, userId: string) => callOperation<UserRecord>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path: { userId } });


const field = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();

/** The emails as typed, one a line, the first primary; an address kept keeps its verified mark, a new one is unverified. */
function emailsOf(typed: string, user: UserRecord) {
  const verified = new Map(user.emails.map((e) => [normalizeIdentifier(e.value), e.verified]));
  return typed.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((value, i) => ({ value, verified: verified.get(normalizeIdentifier(value)) ?? false, primary: i === 0 }));
}

/** The edit form as a PATCH: the name replaced, the emails when changed; the API validates each field. */
const saveProfile = userAction(async (req, caller, userId, form) => {
  const version = requiredFormVersion(form);
  const user = await readUser(req, caller, userId);
  const emails = emailsOf(form.get('emails') ?? '', user);
  if (!emails.length) throw badRequest('A user needs at least one email.');
  const emailsChanged = emails.map((e) => e.value).join('\n') !== user.emails.map((e) => e.value).join('\n');
  const name = Object.fromEntries((['givenName', 'familyName', 'formatted'] as const).map((k) => [k, field(form, k)]).filter(([, v]) => v));
  const phoneNumber = field(form, 'phoneNumber');
  const locale = field(form, 'locale');
  // The API keeps a field it is not sent: an emptied one is removed with null.
  const body = { name, phoneNumber: phoneNumber || (user.phoneNumber ? null : undefined), locale: locale || (user.locale ? null : undefined), ...(emailsChanged ? { emails } : {}) };
  const saved = await callOperation<UserRecord>(req, caller, 'PATCH /t/{tenant}/api/v1/users/{userId}', { path: { userId }, body, ifMatch: version });
  return `The profile of ${labelOf(saved)} was saved.`;
});

const lock = userAction(async (req, caller, userId) => {
  if (userId === caller.user.id) throw badRequest('You cannot lock your own account.');
  const user = await callOperation<UserRecord>(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/lock', { path: { userId } });
  return `${labelOf(user)} is locked and their sessions ended.`;
});

const unlock = userAction(async (req, caller, userId) => {
  const user = await callOperation<UserRecord>(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/unlock', { path: { userId } });
  return `${labelOf(user)} is unlocked.`;
});

const mailResetLink = userAction(async (req, caller, userId) => {
  const { sentTo } = await callOperation<{ sentTo: string }>(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/password-reset', { path: { userId } });
  return `A password reset link went to ${sentTo}.`;
});

const invite = userAction(async (req, caller, userId) => {
  const { sentTo } = await callOperation<{ sentTo: string }>(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/invite', { path: { userId } });
  return `An invitation went to ${sentTo}.`;
});

const requirePasswordChange = userAction(async (req, caller, userId, form) => {
  const revokeSessions = form.get('endSessions') === 'yes';
  await callOperation(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/require-password-change', { path: { userId }, body: { revokeSessions } });
  return `They must choose a new password at their next sign-in${revokeSessions ? '; their sessions ended' : ''}.`;
});

/** A temporary password, checked by the tenant's policy in the API; it is never shown back. */
const setPassword = userAction(async (req, caller, userId, form) => {
  await callOperation(req, caller, 'PUT /t/{tenant}/api/v1/users/{userId}/password', { path: { userId }, body: { password: form.get('password') ?? '', revokeSessions: true } });
  const requireChange = form.get('requireChange') === 'yes';
  if (requireChange) await callOperation(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/require-password-change', { path: { userId }, body: { revokeSessions: false } });
  return `The password was set and their sessions ended${requireChange ? '; they must change it at the next sign-in' : ''}.`;
});

const endSession = userAction(async (req, caller, userId, form) => {
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/users/{userId}/sessions/{sessionId}', { path: { userId, sessionId: form.get('session') ?? '' } });
  return 'The session ended.';
});

const endAllSessions = userAction(async (req, caller, userId) => {
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/users/{userId}/sessions', { path: { userId } });
  return 'All their sessions ended.';
});

const removeFactor = userAction(async (req, caller, userId, form) => {
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/users/{userId}/factors/{factorId}', { path: { userId, factorId: form.get('factor') ?? '' } });
  return 'The factor was removed; they set one up again at the next sign-in that needs it.';
});

const groupOf = (req: ConsoleRequest, caller: ConsoleCaller, groupId: string) => callOperation<GroupRecord>(req, caller, 'GET /t/{tenant}/api/v1/groups/{groupId}', { path: { groupId } });

const addToGroup = userAction(async (req, caller, userId, form) => {
  const group = await groupOf(req, caller, form.get('group') ?? '');
  await callOperation(req, caller, 'PUT /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', { path: { groupId: group.id, userId } });
  return `Added to ${group.name}.`;
});

const removeFromGroup = userAction(async (req, caller, userId, form) => {
  const group = await groupOf(req, caller, form.get('group') ?? '');
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/groups/{groupId}/members/{userId}', { path: { groupId: group.id, userId } });
  return `Removed from ${group.name}.`;
});

export const userDetailRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/users/{userId}': withCaller((req, caller) => renderUser(req, caller, req.pathParameters.userId ?? '')),
  'POST /t/{tenant}/console/users/{userId}/profile': saveProfile,
  'POST /t/{tenant}/console/users/{userId}/lock': lock,
  'POST /t/{tenant}/console/users/{userId}/unlock': unlock,
  'POST /t/{tenant}/console/users/{userId}/password-reset': mailResetLink,
  'POST /t/{tenant}/console/users/{userId}/invite': invite,
  'POST /t/{tenant}/console/users/{userId}/require-password-change': requirePasswordChange,
  'POST /t/{tenant}/console/users/{userId}/password': setPassword,
  'POST /t/{tenant}/console/users/{userId}/sessions/end': endSession,
  'POST /t/{tenant}/console/users/{userId}/sessions/end-all': endAllSessions,
  'POST /t/{tenant}/console/users/{userId}/factors/remove': removeFactor,
  'POST /t/{tenant}/console/users/{userId}/groups/add': addToGroup,
  'POST /t/{tenant}/console/users/{userId}/groups/remove': removeFromGroup,
};
