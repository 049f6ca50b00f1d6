import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRoutes } from '../console-screen.ts';
import type { Notice } from '../console-layout.ts';
import { usersPage } from './users-view.ts';

export interface UserItem {
  id: string;
  userName: string;
  emails: Array<{ value: string; primary: boolean; verified?: boolean }>;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  status: string;
}

const summaryOf = (u: UserItem) => ({
  id: u.id, userName: u.userName, status: u.status,
  ...(u.emails[0] ? { email: (u.emails.find((e) => e.primary) ?? u.emails[0]).value } : {}),
  ...(u.name?.formatted || u.name?.givenName ? { name: u.name.formatted ?? [u.name.givenName, u.name.familyName].filter(Boolean).join(' ') } : {}),
});

/** GET /t/{tenant}/console/users[?q=…&cursor=…]: users, or the one an email or username names. */
const users = withCaller(async (req, caller) => {
  const q = (req.query.get('q') ?? '').trim().slice(0, 256);
  let items: UserItem[];
  let next: string | undefined;
  if (q) {
    const found = await req.deps.users.findByLogin(caller.tenant.id, q);
    items = found ? [await callOperation<UserItem>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path: { userId: found.user.id } })] : [];
  } else {
    const cursor = req.query.get('cursor');
    const page = await callOperation<{ items: UserItem[]; next_cursor?: string }>(req, caller, 'GET /t/{tenant}/api/v1/users', { query: { limit: '50', ...(cursor ? { cursor } : {}) } });
    items = page.items;
    next = page.next_cursor;
  }
  return renderScreen(req, caller, 'users', (frame) => usersPage(frame, { query: q, users: items.map(summaryOf), ...(next ? { next } : {}) }));
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

export const userRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/users': users,
  'POST /t/{tenant}/console/users/invite': invite,
};
