import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

/**
 * The console's pages: server-rendered, no script (each screen is a page and a form), under the
 * same strict CSP as the hosted pages and never framed.
 */

export interface ConsoleFrame {
  readonly nonce: string;
  readonly settings: TenantSettings;
  readonly base: string;
  readonly csrf: string;
  readonly who: string;
  readonly current: 'overview' | 'users' | 'applications';
}

const nav = (frame: ConsoleFrame) => html`<nav aria-label="Console" class="console-nav">
<strong>${frame.settings.branding.displayName}</strong>
<a href="${frame.base}"${frame.current === 'overview' ? html` aria-current="page"` : ''}>Overview</a>
<a href="${frame.base}/users"${frame.current === 'users' ? html` aria-current="page"` : ''}>Users</a>
<a href="${frame.base}/applications"${frame.current === 'applications' ? html` aria-current="page"` : ''}>Applications</a>
<form method="post" action="${frame.base}/logout" class="inline"><input type="hidden" name="csrf" value="${frame.csrf}"><span class="muted">${frame.who}</span> <button type="submit" class="secondary small">Sign out</button></form>
</nav>`;

const consolePage = (frame: ConsoleFrame, title: string, body: SafeHtml) =>
  page({ title: `${title} · Console`, nonce: frame.nonce, accent: frame.settings.branding.primaryColor, wide: true, body: html`${nav(frame)}
<h1>${title}</h1>
${body}` });

export interface OverviewView {
  readonly days: readonly { readonly date: string; readonly success: number; readonly failure: number; readonly mfa: number }[];
  readonly openSessions: number;
  readonly activeUsersThisMonth: number;
}

const rate = (failure: number, success: number) => (failure + success ? `${Math.round((100 * failure) / (failure + success))}%` : '–');

export function overviewPage(frame: ConsoleFrame, view: OverviewView): string {
  const today = view.days.at(-1);
  const totals = view.days.reduce((t, d) => ({ success: t.success + d.success, failure: t.failure + d.failure, mfa: t.mfa + d.mfa }), { success: 0, failure: 0, mfa: 0 });
  const peak = Math.max(1, ...view.days.map((d) => d.success + d.failure));
  return consolePage(frame, 'Overview', html`<div class="tiles">
<p class="tile"><span class="muted">Sign-ins today</span> <strong id="signins-today">${String(today?.success ?? 0)}</strong></p>
<p class="tile"><span class="muted">Failure rate (7 days)</span> <strong id="failure-rate">${rate(totals.failure, totals.success)}</strong></p>
<p class="tile"><span class="muted">With a second factor (7 days)</span> <strong id="mfa-share">${totals.success ? `${Math.round((100 * totals.mfa) / totals.success)}%` : '–'}</strong></p>
<p class="tile"><span class="muted">Active users this month</span> <strong id="active-users">${String(view.activeUsersThisMonth)}</strong></p>
<p class="tile"><span class="muted">Signed in now</span> <strong id="open-sessions">${String(view.openSessions)}</strong></p>
</div>
<section aria-labelledby="days-heading"><h2 id="days-heading">The last 7 days</h2>
<table><caption class="muted">Sign-in attempts per day</caption>
<thead><tr><th scope="col">Day</th><th scope="col">Succeeded</th><th scope="col">Failed</th><th scope="col">Chart</th></tr></thead>
<tbody>${view.days.map((d) => html`<tr><td>${d.date}</td><td>${String(d.success)}</td><td>${String(d.failure)}</td><td><meter min="0" max="${String(peak)}" value="${String(d.success + d.failure)}" aria-label="${`${d.date}: ${d.success + d.failure} sign-in attempts`}"></meter></td></tr>`)}</tbody>
</table></section>`);
}

export interface UsersView {
  readonly query: string;
  /** What the last form did, or why it did not. */
  readonly notice?: { readonly ok: boolean; readonly text: string };
  readonly users: readonly { readonly id: string; readonly userName: string; readonly email?: string; readonly name?: string; readonly status: string }[];
  readonly next?: string;
}

export function usersPage(frame: ConsoleFrame, view: UsersView): string {
  return consolePage(frame, 'Users', html`${noticeOf(view.notice)}<form method="get" action="${frame.base}/users" role="search" class="search">
<label for="q">Find by email or username<input id="q" name="q" type="search" value="${view.query}" maxlength="256"></label>
<button type="submit">Search</button>
</form>
<table><thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Status</th></tr></thead>
<tbody>${view.users.length ? view.users.map((u) => html`<tr><td>${u.email ?? u.userName}</td><td>${u.name ?? ''}</td><td>${u.status}</td></tr>`) : html`<tr><td colspan="3" class="muted">No users match.</td></tr>`}</tbody></table>
${view.next ? html`<p><a href="${frame.base}/users?cursor=${encodeURIComponent(view.next)}${view.query ? `&q=${encodeURIComponent(view.query)}` : ''}">More users</a></p>` : ''}
<section aria-labelledby="invite-heading"><h2 id="invite-heading">Invite someone</h2>
<form method="post" action="${frame.base}/users/invite"><input type="hidden" name="csrf" value="${frame.csrf}">
<label for="invite-email">Their email<input id="invite-email" name="email" type="email" required maxlength="254"></label>
<button type="submit">Send the invitation</button>
</form><p class="muted">They get a link, valid seven days, to choose their password.</p></section>`);
}

const noticeOf = (notice: { ok: boolean; text: string } | undefined) => (notice ? html`<p class="${notice.ok ? 'note' : 'notice'}" role="${notice.ok ? 'status' : 'alert'}" id="console-notice">${notice.text}</p>` : '');

/** The kinds of application an administrator picks from, each with the settings it needs. */
export const applicationTypes = {
  web: 'Web application with a server (authorization code, a client secret)',
  spa: 'Single-page application in the browser (authorization code with PKCE, no secret)',
  native: 'Native or mobile app (authorization code with PKCE, no secret)',
  m2m: 'Machine to machine (client credentials, a client secret)',
} as const;
export type ApplicationType = keyof typeof applicationTypes;

export interface ApplicationsView {
  readonly notice?: { readonly ok: boolean; readonly text: string };
  readonly applications: readonly { readonly clientId: string; readonly name: string; readonly kind: string }[];
  /** The application just created, with its secret: shown this once. */
  readonly created?: { readonly clientId: string; readonly secret?: string; readonly issuer: string; readonly redirectUri?: string };
}

export function applicationsPage(frame: ConsoleFrame, view: ApplicationsView): string {
  const created = view.created;
  return consolePage(frame, 'Applications', html`${noticeOf(view.notice)}${created ? html`<section aria-labelledby="created-heading" class="note"><h2 id="created-heading">Your new application</h2>
<dl><dt>Client ID</dt><dd><code id="client-id">${created.clientId}</code></dd>${created.secret ? html`<dt>Client secret (shown this once: copy it now)</dt><dd><code id="client-secret">${created.secret}</code></dd>` : ''}</dl>
<p>With openid-client:</p>
<pre tabindex="0" aria-label="Code to use the application with openid-client"><code id="snippet">import * as client from 'openid-client';
const config = await client.discovery(new URL('${created.issuer}'), '${created.clientId}'${created.secret ? `, '<the client secret>'` : ''});
${created.redirectUri ? `const verifier = client.randomPKCECodeVerifier();
const url = client.buildAuthorizationUrl(config, { redirect_uri: '${created.redirectUri}', scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });` : `const tokens = await client.clientCredentialsGrant(config);`}</code></pre></section>` : ''}
<table><thead><tr><th scope="col">Application</th><th scope="col">Client ID</th><th scope="col">Kind</th></tr></thead>
<tbody>${view.applications.length ? view.applications.map((a) => html`<tr><td>${a.name}</td><td><code>${a.clientId}</code></td><td>${a.kind}</td></tr>`) : html`<tr><td colspan="3" class="muted">None yet.</td></tr>`}</tbody></table>
<section aria-labelledby="new-heading"><h2 id="new-heading">New OpenID Connect application</h2>
<form method="post" action="${frame.base}/applications"><input type="hidden" name="csrf" value="${frame.csrf}">
<label for="app-name">Name<input id="app-name" name="name" required maxlength="100"></label>
<fieldset><legend>Kind</legend>${(Object.entries(applicationTypes) as [ApplicationType, string][]).map(([type, label], i) => html`<label class="choice"><input type="radio" name="type" value="${type}"${i === 0 ? ' checked' : ''}> ${label}</label>`)}</fieldset>
<label for="app-redirect">Redirect URI (not for machine to machine)<input id="app-redirect" name="redirect_uri" type="url" maxlength="2048" placeholder="https://app.example.com/callback"></label>
<button type="submit">Create the application</button>
</form></section>`);
}
