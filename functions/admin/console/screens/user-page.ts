import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest } from '../console-screen.ts';
import { userDetailPage } from './user-detail-view.ts';
import type { ConsentRecord, FactorRecord, GroupRecord, SessionRecord, UserRecord } from './user-record.ts';

/**
 * The user's page: everything on it read through the admin API's operations. A user id the
 * tenant does not have is the API's 404, which the console shows as its not-found page.
 */
export async function renderUser(req: ConsoleRequest, caller: ConsoleCaller, userId: string, notice?: Notice): Promise<HttpResponse> {
  const path = { userId };
  const user = await callOperation<UserRecord>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path });
  const [sessions, factors, groups, all, consents] = await Promise.all([
    callOperation<{ items: SessionRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}/sessions', { path }),
    callOperation<{ items: FactorRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}/factors', { path }),
    callOperation<{ items: GroupRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}/groups', { path }),
    callOperation<{ items: GroupRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/groups', { query: { limit: '200' } }),
    callOperation<{ items: ConsentRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}/consents', { path }),
  ]);
  const memberOf = new Set(groups.items.map((g) => g.id));
  return renderScreen(req, caller, 'users', (frame) => userDetailPage(frame, {
    ...(notice ? { notice } : {}),
    user,
    sessions: sessions.items,
    factors: factors.items,
    groups: groups.items,
    otherGroups: all.items.filter((g) => !memberOf.has(g.id)),
    consents: consents.items,
    self: user.id === caller.user.id,
  }));
}

/** What an action on the user did, said on their page. */
export type UserAction = (req: ConsoleRequest, caller: ConsoleCaller, userId: string, form: URLSearchParams) => Promise<string>;

/**
 * A form on the user's page (POST /t/{tenant}/console/users/{userId}/…): CSRF checked, the
 * action run, the page shown again with what it did or the API's reason why not.
 */
export const userAction = (act: UserAction) => withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const userId = req.pathParameters.userId ?? '';
  let notice: Notice;
  try {
    notice = { ok: true, text: await act(req, caller, userId, form) };
  } catch (error) {
    notice = refusalOf(error);
  }
  return renderUser(req, caller, userId, notice);
});
