import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

export interface UsersView {
  readonly query: string;
  readonly notice?: Notice;
  readonly users: readonly { readonly id: string; readonly userName: string; readonly email?: string; readonly name?: string; readonly status: string }[];
  readonly next?: string;
}

export function usersPage(frame: ConsoleFrame, view: UsersView): string {
  return consolePage(frame, 'Users', html`${noticeOf(view.notice)}<form method="get" action="${frame.base}/users" role="search" class="search">
<label for="q">Find by email or username<input id="q" name="q" type="search" value="${view.query}" maxlength="256"></label>
<button type="submit">Search</button>
</form>
<table><thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Status</th></tr></thead>
<tbody>${view.users.length ? view.users.map((u) => html`<tr><td><a href="${frame.base}/users/${encodeURIComponent(u.id)}">${u.email ?? u.userName}</a></td><td>${u.name ?? ''}</td><td>${u.status}</td></tr>`) : html`<tr><td colspan="3" class="muted">No users match.</td></tr>`}</tbody></table>
${view.next ? html`<p><a href="${frame.base}/users?cursor=${encodeURIComponent(view.next)}${view.query ? `&q=${encodeURIComponent(view.query)}` : ''}">More users</a></p>` : ''}
<section aria-labelledby="invite-heading"><h2 id="invite-heading">Invite someone</h2>
<form method="post" action="${frame.base}/users/invite">${csrfField(frame)}
<label for="invite-email">Their email<input id="invite-email" name="email" type="email" required maxlength="254"></label>
<button type="submit">Send the invitation</button>
</form><p class="muted">They get a link, valid seven days, to choose their password.</p></section>
<section aria-labelledby="create-heading"><h2 id="create-heading">Create a user</h2>
<form method="post" action="${frame.base}/users" autocomplete="off">${csrfField(frame)}
<label for="create-email">Email<input id="create-email" name="email" type="email" required maxlength="254"></label>
<div class="columns"><label for="create-given">Given name<input id="create-given" name="givenName" maxlength="100"></label>
<label for="create-family">Family name<input id="create-family" name="familyName" maxlength="100"></label></div>
<label for="create-password">Initial password (optional: leave empty to send an invitation instead)<input id="create-password" name="password" type="password" autocomplete="new-password" maxlength="1024"></label>
<button type="submit">Create the user</button>
</form></section>`);
}
