import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import type { Notice } from '../console-layout.ts';
import { renderUser } from './user-page.ts';
import { fullNameOf, primaryEmailOf, type UserRecord } from './user-record.ts';
import { usersPage } from './users-view.ts';

const summaryOf = (u: UserRecord) => {
  const email = primaryEmailOf(u);
  const name = fullNameOf(u);
  return { id: u.id, userName: u.userName, status: u.status, ...(email ? { email } : {}), ...(name ? { name } : {}) };
};

/** The user an email address or username names, through the API's exact lookup. */
export async function userByLogin(req: ConsoleRequest, caller: ConsoleCaller, login: string): Promise<UserRecord | undefined> {
  return (await callOperation<{ items: UserRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/users', { query: { login: login.slice(0, 256) } })).items[0];
}

/** The users screen: a page of users, or the one an email or username names. */
export async function renderUsers(req: ConsoleRequest, caller: ConsoleCaller, options: { q?: string; cursor?: string; notice?: Notice } = {}): Promise<HttpResponse> {
  const q = options.q ?? '';
  let items: UserRecord[];
  let next: string | undefined;
  if (q) {
    const found = await userByLogin(req, caller, q);
    items = found ? [found] : [];
  } else {
    const page = await callOperation<{ items: UserRecord[]; next_cursor?: string }>(req, caller, 'GET /t/{tenant}/api/v1/users', { query: { limit: '50', ...(options.cursor ? { cursor: options.cursor } : {}) } });
    items = page.items;
    next = page.next_cursor;
  }
  return renderScreen(req, caller, 'users', (frame) => usersPage(frame, { query: q, users: items.map(summaryOf), ...(next ? { next } : {}), ...(options.notice ? { notice: options.notice } : {}) }));
}

/** GET /t/{tenant}/console/users[?q=…&cursor=…]: users, or the one an email or username names. */
const users = withCaller(async (req, caller) => {
  const cursor = req.query.get('cursor');
  return renderUsers(req, caller, { q: (req.query.get('q') ?? '').trim().slice(0, 256), ...(cursor ? { cursor } : {}) });
});

/** POST /t/{tenant}/console/users/invite: a user made from the email, and the invitation mailed (the API's two operations). */
const invite = withCaller(async (req, caller) => {
  const email = ((await consoleForm(req, caller)).get('email') ?? '').trim().slice(0, 254);
  let notice: Notice;
  try {
    const created = await callOperation<{ id: string }>(req, caller, 'POST /t/{tenant}/api/v1/users', { body: { emails: [{ value: email, verified: false }] } });
    await callOperation(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/invite', { path: { userId: created.id } });
    notice = { ok: true, text: `An invitation went to ${email}.` };
  } catch (error) {
    notice = refusalOf(error);
  }
  return renderScreen(req, caller, 'users', (frame) => usersPage(frame, { query: '', users: [], notice }));
});

/**
 * POST /t/{tenant}/console/users: a user with their name, and either the initial password typed
 * (checked by the tenant's password policy in the API) or, when none is, an invitation mailed.
 * Ends on the new user's page.
 */
const create = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const email = (form.get('email') ?? '').trim();
  const password = form.get('password') ?? '';
  const name = Object.fromEntries((['givenName', 'familyName'] as const).map((k) => [k, (form.get(k) ?? '').trim()]).filter(([, v]) => v));
  let created: UserRecord;
  try {
    created = await callOperation<UserRecord>(req, caller, 'POST /t/{tenant}/api/v1/users', { body: { emails: [{ value: email, verified: false }], name, ...(password ? { password } : {}) } });
  } catch (error) {
    return renderUsers(req, caller, { notice: refusalOf(error) });
  }
  if (password) return renderUser(req, caller, created.id, { ok: true, text: `${email} was created with the password given.` });
  let notice: Notice;
  try {
    const { sentTo } = await callOperation<{ sentTo: string }>(req, caller, 'POST /t/{tenant}/api/v1/users/{userId}/invite', { path: { userId: created.id } });
    notice = { ok: true, text: `${email} was created and an invitation went to ${sentTo}.` };
  } catch (error) {
    notice = refusalOf(error);
  }
  return renderUser(req, caller, created.id, notice);
});

export const userRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/users': users,
  'POST /t/{tenant}/console/users': create,
  'POST /t/{tenant}/console/users/invite': invite,
};
