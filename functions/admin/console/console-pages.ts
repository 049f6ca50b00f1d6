import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { issuerOf, settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { primaryEmail } from '../../../shared/domain/users/user.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { formOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse } from '../../../shared/http/responses.ts';
import { adminOperations } from '../operations.ts';
import { invokeOperation } from '../api/run-operation.ts';
import type { AdminDeps } from '../deps.ts';
import { consoleCaller, consoleClientId, consoleLogout, consolePath, type ConsoleCaller } from './console-auth.ts';
import { applicationsPage, applicationTypes, overviewPage, usersPage, type ApplicationsView, type ApplicationType, type ConsoleFrame } from './console-views.ts';

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

/** A form of the console: its CSRF token checked, its fields. */
async function consoleForm(req: Request, caller: ConsoleCaller): Promise<URLSearchParams> {
  const form = formOf(req);
  verifyCsrf(req, `console:${caller.tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(req.deps, caller.tenant)).key);
  return form;
}

/** What a refused change says on the page (the API's own validation message), anything else is an error. */
const refusalOf = (error: unknown) => {
  if (error instanceof HttpError && error.status < 500) return { ok: false, text: error.message };
  throw error;
};

/** POST /t/{tenant}/console/users/invite: a user made from the email, and the invitation mailed (the API's two operations). */
export const consoleInvite = withCaller(async (req, caller) => {
  const email = ((await consoleForm(req, caller)).get('email') ?? '').trim().slice(0, 254);
  let notice: { ok: boolean; text: string };
  try {
    const created = (await invokeOperation(operationFor('POST /t/{tenant}/api/v1/users'), req, actorOf(caller), new URLSearchParams(), { emails: [{ value: email, verified: false }] })).body as { id: string };
    await invokeOperation(operationFor('POST /t/{tenant}/api/v1/users/{userId}/invite'), { ...req, pathParameters: { ...req.pathParameters, userId: created.id } }, actorOf(caller), new URLSearchParams());
    notice = { ok: true, text: `An invitation went to ${email}.` };
  } catch (error) {
    notice = refusalOf(error);
  }
  const { frame, cookie } = await frameOf(req, caller, 'users');
  return pageResponse(usersPage(frame, { query: '', users: [], notice }), cookie);
});

interface ApplicationItem {
  client_id: string;
  client_name: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  client_secret?: string;
  redirect_uris: string[];
}

const kindOf = (a: ApplicationItem) => (a.grant_types.includes('client_credentials') && !a.grant_types.includes('authorization_code') ? 'machine to machine' : a.token_endpoint_auth_method === 'none' ? 'public (PKCE)' : 'web (confidential)');

async function renderApplications(req: Request, caller: ConsoleCaller, extra: Omit<ApplicationsView, 'applications'> = {}): Promise<HttpResponse> {
  const list = (await invokeOperation(operationFor('GET /t/{tenant}/api/v1/applications'), req, actorOf(caller), new URLSearchParams({ limit: '100' }))).body as { items: ApplicationItem[] };
  const { frame, cookie } = await frameOf(req, caller, 'applications');
  return pageResponse(applicationsPage(frame, { ...extra, applications: list.items.filter((a) => a.client_id !== consoleClientId).map((a) => ({ clientId: a.client_id, name: a.client_name, kind: kindOf(a) })) }), cookie);
}

/** GET /t/{tenant}/console/applications */
export const consoleApplications = withCaller((req, caller) => renderApplications(req, caller));

/** The client metadata each kind of application needs (what a newcomer would otherwise have to know). */
function metadataFor(type: ApplicationType, name: string, redirectUri: string): Record<string, unknown> {
  const interactive = { redirect_uris: redirectUri ? [redirectUri] : [], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' };
  switch (type) {
    case 'web': return { client_name: name, ...interactive, token_endpoint_auth_method: 'client_secret_basic', first_party: true };
    case 'spa':
    case 'native': return { client_name: name, ...interactive, token_endpoint_auth_method: 'none', first_party: true };
    case 'm2m': return { client_name: name, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
  }
}

/** POST /t/{tenant}/console/applications: an OIDC application of the chosen kind; its secret is shown on this page only. */
export const consoleCreateApplication = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const type = form.get('type') ?? '';
  if (!Object.hasOwn(applicationTypes, type)) return renderApplications(req, caller, { notice: { ok: false, text: 'Choose what kind of application it is.' } });
  const redirectUri = (form.get('redirect_uri') ?? '').trim();
  try {
    const created = (await invokeOperation(operationFor('POST /t/{tenant}/api/v1/applications'), req, actorOf(caller), new URLSearchParams(), metadataFor(type as ApplicationType, (form.get('name') ?? '').trim(), redirectUri))).body as ApplicationItem;
    return renderApplications(req, caller, {
      notice: { ok: true, text: `${created.client_name} was created.` },
      created: { clientId: created.client_id, ...(created.client_secret ? { secret: created.client_secret } : {}), issuer: issuerOf(req.deps.publicUrl, caller.tenant), ...(created.redirect_uris[0] ? { redirectUri: created.redirect_uris[0] } : {}) },
    });
  } catch (error) {
    return renderApplications(req, caller, { notice: refusalOf(error) });
  }
});
