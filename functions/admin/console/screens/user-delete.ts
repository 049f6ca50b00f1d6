import { normalizeIdentifier } from '../../../../shared/domain/users/user.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { deleteUserPage } from './user-detail-view.ts';
import { renderUser } from './user-page.ts';
import { labelOf, type UserRecord } from './user-record.ts';
import { renderUsers } from './users.ts';

/**
 * Deleting a user takes a second step: the administrator types the user's email or username.
 * The erasure itself is the API's DELETE (sessions, factors, memberships gone; audit pseudonymized).
 */

const readUser = (req: ConsoleRequest, caller: ConsoleCaller, userId: string) => callOperation<UserRecord>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path: { userId } });

const renderConfirmation = (req: ConsoleRequest, caller: ConsoleCaller, user: UserRecord, notice?: Notice) =>
  renderScreen(req, caller, 'users', (frame) => deleteUserPage(frame, { user, ...(notice ? { notice } : {}) }));

const ownAccount: Notice = { ok: false, text: 'You cannot delete your own account.' };

/** What the administrator typed names this user: their username or one of their emails, compared as logins are. */
const confirms = (typed: string, user: UserRecord) => [user.userName, ...user.emails.map((e) => e.value)].some((id) => normalizeIdentifier(id) === normalizeIdentifier(typed));

/** GET /t/{tenant}/console/users/{userId}/delete: what will go, and the field to confirm it. */
const confirmation = withCaller(async (req, caller) => {
  const user = await readUser(req, caller, req.pathParameters.userId ?? '');
  return user.id === caller.user.id ? renderUser(req, caller, user.id, ownAccount) : renderConfirmation(req, caller, user);
});

/** POST /t/{tenant}/console/users/{userId}/delete: erased when the confirmation names them; else the question again. */
const erase = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const user = await readUser(req, caller, req.pathParameters.userId ?? '');
  if (user.id === caller.user.id) return renderUser(req, caller, user.id, ownAccount);
  const typed = (form.get('confirm') ?? '').slice(0, 256);
  if (!typed.trim() || !confirms(typed, user)) return renderConfirmation(req, caller, user, { ok: false, text: `Type ${labelOf(user)} to confirm the deletion.` });
  try {
    await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/users/{userId}', { path: { userId: user.id }, ifMatch: user.version });
  } catch (error) {
    return renderConfirmation(req, caller, user, refusalOf(error));
  }
  return renderUsers(req, caller, { notice: { ok: true, text: `${labelOf(user)} was deleted.` } });
});

export const userDeleteRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/users/{userId}/delete': confirmation,
  'POST /t/{tenant}/console/users/{userId}/delete': erase,
};
