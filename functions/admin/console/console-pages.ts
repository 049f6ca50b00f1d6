import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail } from '../../../shared/domain/users/user.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { formOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse } from '../../../shared/http/responses.ts';
import { adminOperations } from '../operations.ts';
import { invokeOperation } from '../api/run-operation.ts';
import type { AdminDeps } from '../deps.ts';
import { consoleCaller, consoleLogout, consolePath, type ConsoleCaller } from './console-auth.ts';
import { overviewPage, usersPage, type ConsoleFrame } from './console-views.ts';

/**
 * The console's screens. Each reads through the admin API's own operations (the same handlers,
 * with the signed-in administrator as the actor), so the console has no second implementation.
 */

type Request = HttpRequest<AdminDeps>;

const operationFor = (route: string) => adminOperations.find((op) => op.route === route)!;
const actorOf = (caller: ConsoleCaller): AuditActor => ({ kind: 'user', id: caller.user.id });

async function frameOf(req: Request, caller: ConsoleCaller, current: ConsoleFrame['current']): Promise<{ frame: ConsoleFrame; cookie?: string }> {
  const { token, cookie } = issueCsrf(req, `console:${caller.tenant.id}`, await tenantCsrfOptions(req.deps, caller.tenant));
  return { frame: { nonce: req.state.nonce, settings: settingsOf(caller.tenant), base: consolePath(caller.tenant), csrf: token, who: primaryEmail(caller.user) ?? caller.user.userName, current }, ...(cookie ? { cookie } : {}) };
}

const pageResponse = (body: string, cookie?: string): HttpResponse => ({ ...htmlResponse(200, body, { 'cache-control': 'no-store' }), ...(cookie ? { cookies: [cookie] } : {}) });

/** A console route: the administrator, or the way to sign in. */
const withCaller = (handler: (req: Request, caller: ConsoleCaller) => Promise<HttpResponse>) => async (req: Request): Promise<HttpResponse> => {
  const caller = await consoleCaller(req);
  return 'statusCode' in caller ? caller : handler(req, caller);
};

interface Daily {
  days: Array<{ date: string; counters: Record<string, number> }>;
  months: Array<{ month: string; activeUsers: number }>;
  openSessions: number;
}

/** GET /t/{tenant}/console: the overview — sign-ins, failure rate, second factors, active users. */
export const consoleOverview = withCaller(async (req, caller) => {
  const end = new Date().toISOString().slice(0, 10);
  const start = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const daily = (await invokeOperation(operationFor('GET /t/{tenant}/api/v1/audit/daily'), req, actorOf(caller), new URLSearchParams({ from: start, to: end }))).body as Daily;
  const { frame, cookie } = await frameOf(req, caller, 'overview');
  return pageResponse(overviewPage(frame, {
    // Every day of the week, those without sign-ins too.
    days: Array.from({ length: 7 }, (_, i) => new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10)).map((date) => {
      const counters = daily.days.find((d) => d.date === date)?.counters ?? {};
      return { date, success: counters.signins_success ?? 0, failure: counters.signins_failure ?? 0, mfa: counters.mfa_success ?? 0 };
    }),
    openSessions: daily.openSessions,
    activeUsersThisMonth: daily.months.at(-1)?.activeUsers ?? 0,
  }), cookie);
});

interface UserItem {
  id: string;
  userName: string;
  emails: Array<{ value: string; primary: boolean }>;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  status: string;
}

/** GET /t/{tenant}/console/users[?q=…&cursor=…]: users, or the one an email or username names. */
export const consoleUsers = withCaller(async (req, caller) => {
  const q = (req.query.get('q') ?? '').trim().slice(0, 256);
  const params = new URLSearchParams({ limit: '50', ...(req.query.get('cursor') ? { cursor: req.query.get('cursor')! } : {}) });
  let items: UserItem[];
  let next: string | undefined;
  if (q) {
    const found = await req.deps.users.findByLogin(caller.tenant.id, q);
    items = found ? [(await invokeOperation(operationFor('GET /t/{tenant}/api/v1/users/{userId}'), { ...req, pathParameters: { ...req.pathParameters, userId: found.user.id } }, actorOf(caller), new URLSearchParams())).body as UserItem] : [];
  } else {
    const page = (await invokeOperation(operationFor('GET /t/{tenant}/api/v1/users'), req, actorOf(caller), params)).body as { items: UserItem[]; next_cursor?: string };
    items = page.items;
    next = page.next_cursor;
  }
  const { frame, cookie } = await frameOf(req, caller, 'users');
  return pageResponse(usersPage(frame, {
    query: q,
    users: items.map((u) => ({ id: u.id, userName: u.userName, status: u.status, ...(u.emails[0] ? { email: (u.emails.find((e) => e.primary) ?? u.emails[0]).value } : {}), ...(u.name?.formatted || u.name?.givenName ? { name: u.name.formatted ?? [u.name.givenName, u.name.familyName].filter(Boolean).join(' ') } : {}) })),
    ...(next ? { next } : {}),
  }), cookie);
});

/** POST /t/{tenant}/console/logout (CSRF token). */
export const consoleSignOut = withCaller(async (req, caller) => {
  verifyCsrf(req, `console:${caller.tenant.id}`, formOf(req).get('csrf'), (await tenantCsrfOptions(req.deps, caller.tenant)).key);
  return consoleLogout(req, caller);
});
