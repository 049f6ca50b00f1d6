import { html, type SafeHtml } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import { labelOf, primaryEmailOf, type ConsentRecord, type FactorRecord, type GroupRecord, type SessionRecord, type UserRecord } from './user-record.ts';

export interface UserDetailView {
  readonly notice?: Notice;
  readonly user: UserRecord;
  readonly sessions: readonly SessionRecord[];
  readonly factors: readonly FactorRecord[];
  /** The groups the user is in, and those they could be added to. */
  readonly groups: readonly GroupRecord[];
  readonly otherGroups: readonly GroupRecord[];
  readonly consents: readonly ConsentRecord[];
  /** The administrator is looking at their own account. */
  readonly self: boolean;
}

export const timeOf = (iso: string | undefined) => (iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html`<span class="muted">never</span>`);

const userPath = (frame: ConsoleFrame, user: UserRecord) => `${frame.base}/users/${encodeURIComponent(user.id)}`;

/** A one-button form posting to one of the user's actions, with hidden fields. */
const actionForm = (frame: ConsoleFrame, user: UserRecord, action: string, label: string | SafeHtml, options: { hidden?: Record<string, string>; className?: string; extra?: SafeHtml } = {}) =>
  html`<form method="post" action="${userPath(frame, user)}/${action}" class="inline">${csrfField(frame)}${Object.entries(options.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}${options.extra ?? ''}<button type="submit" class="${options.className ?? 'secondary small'}">${label}</button></form>`;

const profile = (user: UserRecord) => html`<section aria-labelledby="profile-heading"><h2 id="profile-heading">Profile</h2>
<dl>
<dt>Username</dt><dd id="profile-username">${user.userName}</dd>
<dt>Emails</dt><dd><ul class="plain">${user.emails.map((e) => html`<li>${e.value}${e.primary ? html` <span class="badge">primary</span>` : ''} <span class="badge">${e.verified ? 'verified' : 'not verified'}</span></li>`)}</ul></dd>
<dt>Given name</dt><dd>${user.name.givenName ?? '–'}</dd>
<dt>Family name</dt><dd>${user.name.familyName ?? '–'}</dd>
<dt>Full name</dt><dd>${user.name.formatted ?? '–'}</dd>
<dt>Phone</dt><dd>${user.phoneNumber ?? '–'}</dd>
<dt>Locale</dt><dd>${user.locale ?? '–'}</dd>
<dt>Status</dt><dd id="profile-status">${user.status}${user.lockedUntil ? html` (locked out after failed sign-ins until ${timeOf(user.lockedUntil)})` : ''}${user.passwordChangeRequired ? ', must choose a new password at the next sign-in' : ''}</dd>
<dt>Created</dt><dd>${timeOf(user.createdAt)}</dd>
<dt>Updated</dt><dd>${timeOf(user.updatedAt)}</dd>
</dl></section>`;

const editForm = (frame: ConsoleFrame, user: UserRecord) => html`<section aria-labelledby="edit-heading"><h2 id="edit-heading">Edit the profile</h2>
<form method="post" action="${userPath(frame, user)}/profile">${csrfField(frame)}<input type="hidden" name="version" value="${String(user.version)}">
<div class="columns"><label for="given-name">Given name<input id="given-name" name="givenName" value="${user.name.givenName ?? ''}" maxlength="100" autocomplete="off"></label>
<label for="family-name">Family name<input id="family-name" name="familyName" value="${user.name.familyName ?? ''}" maxlength="100" autocomplete="off"></label></div>
<label for="formatted-name">Full name (as shown)<input id="formatted-name" name="formatted" value="${user.name.formatted ?? ''}" maxlength="200" autocomplete="off"></label>
<div class="columns"><label for="phone">Phone (international, e.g. +4915112345678)<input id="phone" name="phoneNumber" type="tel" value="${user.phoneNumber ?? ''}" maxlength="16" autocomplete="off"></label>
<label for="locale">Locale (e.g. en or de-CH)<input id="locale" name="locale" value="${user.locale ?? ''}" maxlength="35" autocomplete="off"></label></div>
<label for="emails">Emails (one a line; the first is the primary one)<textarea id="emails" name="emails" rows="3" maxlength="2600">${user.emails.map((e) => e.value).join('\n')}</textarea></label>
<button type="submit">Save the profile</button>
</form></section>`;

const access = (frame: ConsoleFrame, view: UserDetailView) => {
  const { user } = view;
  const locked = user.status === 'locked' || user.lockedUntil !== undefined;
  return html`<section aria-labelledby="access-heading"><h2 id="access-heading">Access</h2>
<p>${locked ? 'They cannot sign in until unlocked.' : 'Locking ends their sessions and keeps them out until unlocked.'}</p>
<div class="actions">${locked ? actionForm(frame, user, 'unlock', 'Unlock') : ''}${user.status !== 'locked' && !view.self ? actionForm(frame, user, 'lock', 'Lock', { className: 'danger small' }) : ''}</div>
${view.self ? html`<p class="muted">You cannot lock or delete your own account here.</p>` : ''}
</section>`;
};

const password = (frame: ConsoleFrame, user: UserRecord) => html`<section aria-labelledby="password-heading"><h2 id="password-heading">Password</h2>
${primaryEmailOf(user) ? html`<div class="actions">${actionForm(frame, user, 'password-reset', 'Email a password reset link')}${actionForm(frame, user, 'invite', 'Resend the invitation')}</div>
<p class="muted">A reset link works once, for 30 minutes; an invitation for 7 days. Their current password keeps working until they choose a new one.</p>` : ''}
<form method="post" action="${userPath(frame, user)}/require-password-change">${csrfField(frame)}
<label class="choice"><input type="checkbox" name="endSessions" value="yes" checked> End their sessions now</label>
<button type="submit" class="secondary">Require a new password at the next sign-in</button></form>
<form method="post" action="${userPath(frame, user)}/password" autocomplete="off">${csrfField(frame)}
<label for="new-password">Set a temporary password (the tenant's password policy applies; it is not shown again)<input id="new-password" name="password" type="password" autocomplete="new-password" maxlength="1024" required></label>
<label class="choice"><input type="checkbox" name="requireChange" value="yes" checked> They must change it at the next sign-in</label>
<button type="submit" class="secondary">Set the password</button></form>
</section>`;

const sessions = (frame: ConsoleFrame, view: UserDetailView) => html`<section aria-labelledby="sessions-heading"><h2 id="sessions-heading">Sessions</h2>
<table><thead><tr><th scope="col">Signed in</th><th scope="col">Methods</th><th scope="col">Last seen</th><th scope="col">Action</th></tr></thead>
<tbody id="sessions">${view.sessions.length ? view.sessions.map((s) => html`<tr><td>${timeOf(s.authTime)}</td><td>${s.amr.join(', ')}</td><td>${timeOf(s.lastSeenAt)}</td><td>${actionForm(frame, view.user, 'sessions/end', html`End<span class="visually-hidden"> the session of ${s.authTime.slice(0, 16).replace('T', ' ')}</span>`, { hidden: { session: s.id } })}</td></tr>`) : html`<tr><td colspan="4" class="muted">No live session.</td></tr>`}</tbody></table>
${view.sessions.length ? actionForm(frame, view.user, 'sessions/end-all', 'End all sessions', { className: 'danger small' }) : ''}
</section>`;

const factors = (frame: ConsoleFrame, view: UserDetailView) => html`<section aria-labelledby="factors-heading"><h2 id="factors-heading">Second factors</h2>
<table><thead><tr><th scope="col">Kind</th><th scope="col">Label</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col">Action</th></tr></thead>
<tbody id="factors">${view.factors.length ? view.factors.map((f) => html`<tr><td>${f.kind}</td><td>${f.label}</td><td>${timeOf(f.createdAt)}</td><td>${timeOf(f.lastUsedAt)}</td><td>${actionForm(frame, view.user, 'factors/remove', html`Remove<span class="visually-hidden"> ${f.label}</span>`, { hidden: { factor: f.id } })}</td></tr>`) : html`<tr><td colspan="5" class="muted">None set up.</td></tr>`}</tbody></table>
</section>`;

const groups = (frame: ConsoleFrame, view: UserDetailView) => html`<section aria-labelledby="groups-heading"><h2 id="groups-heading">Groups</h2>
<ul class="items" id="user-groups">${view.groups.length ? view.groups.map((g) => html`<li><a href="${frame.base}/groups/${encodeURIComponent(g.id)}">${g.name}</a>${actionForm(frame, view.user, 'groups/remove', `Remove from ${g.name}`, { hidden: { group: g.id } })}</li>`) : html`<li class="muted">In no group.</li>`}</ul>
${view.otherGroups.length ? html`<form method="post" action="${userPath(frame, view.user)}/groups/add" class="search">${csrfField(frame)}
<label for="add-group">Add to a group<select id="add-group" name="group">${view.otherGroups.map((g) => html`<option value="${g.id}">${g.name}</option>`)}</select></label>
<button type="submit">Add</button></form>` : ''}
</section>`;

const consents = (view: UserDetailView) => html`<section aria-labelledby="consents-heading"><h2 id="consents-heading">Consents</h2>
<table><thead><tr><th scope="col">Application</th><th scope="col">Scopes</th><th scope="col">Purposes</th><th scope="col">Given</th></tr></thead>
<tbody>${view.consents.length ? view.consents.map((c) => html`<tr><td>${c.application}</td><td>${c.scopes.join(' ')}</td><td>${c.purposes.map((p) => `${p.id} (${p.accepted ? 'accepted' : 'declined'})`).join(', ') || '–'}</td><td>${timeOf(c.grantedAt)}</td></tr>`) : html`<tr><td colspan="4" class="muted">None given.</td></tr>`}</tbody></table>
</section>`;

export function userDetailPage(frame: ConsoleFrame, view: UserDetailView): string {
  const { user } = view;
  return consolePage(frame, labelOf(user), html`<p><a href="${frame.base}/users">All users</a></p>
${noticeOf(view.notice)}${profile(user)}${editForm(frame, user)}${access(frame, view)}${password(frame, user)}${sessions(frame, view)}${factors(frame, view)}${groups(frame, view)}${consents(view)}
${view.self ? '' : html`<section aria-labelledby="delete-heading"><h2 id="delete-heading">Delete</h2>
<p>Erases the account and everything that names them; their audit events keep only a pseudonym. This cannot be undone.</p>
<p><a href="${userPath(frame, user)}/delete" id="delete-link">Delete this user…</a></p></section>`}`);
}

export interface DeleteUserView {
  readonly notice?: Notice;
  readonly user: UserRecord;
}

/** The second step of a deletion: the administrator types who they mean. */
export function deleteUserPage(frame: ConsoleFrame, view: DeleteUserView): string {
  const label = labelOf(view.user);
  return consolePage(frame, `Delete ${label}`, html`<p><a href="${userPath(frame, view.user)}">Back to ${label}</a></p>
${noticeOf(view.notice)}<p>Deleting erases the account, their sessions, factors, consents and group memberships. This cannot be undone.</p>
<form method="post" action="${userPath(frame, view.user)}/delete">${csrfField(frame)}
<label for="confirm">Type <strong>${label}</strong> to confirm<input id="confirm" name="confirm" required maxlength="256" autocomplete="off"></label>
<button type="submit" class="danger">Delete permanently</button>
</form>`);
}
