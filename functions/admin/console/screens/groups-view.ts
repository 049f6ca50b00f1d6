import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import type { GroupRecord } from './user-record.ts';

/** What a group's permissions field says: the permissions, one a line. */
export interface GroupDraft {
  readonly name: string;
  readonly description: string;
  readonly permissions: string;
}

const groupPath = (frame: ConsoleFrame, group: Pick<GroupRecord, 'id'>) => `${frame.base}/groups/${encodeURIComponent(group.id)}`;

const permissionsHint = html`<span class="muted">Comma-separated or one a line. <code>admin</code> makes the members administrators of this organisation.</span>`;

const groupFields = (prefix: string, draft: GroupDraft) => html`<label for="${prefix}-name">Name<input id="${prefix}-name" name="name" required maxlength="100" value="${draft.name}"></label>
<label for="${prefix}-description">Description (optional)<input id="${prefix}-description" name="description" maxlength="500" value="${draft.description}"></label>
<label for="${prefix}-permissions">Permissions ${permissionsHint}<textarea id="${prefix}-permissions" name="permissions" rows="2" maxlength="1000">${draft.permissions}</textarea></label>`;

export interface GroupsView {
  readonly notice?: Notice;
  readonly groups: readonly GroupRecord[];
  /** What was typed into the new-group form, kept when it was refused. */
  readonly draft?: GroupDraft;
}

export function groupsPage(frame: ConsoleFrame, view: GroupsView): string {
  return consolePage(frame, 'Groups', html`${noticeOf(view.notice)}<table><thead><tr><th scope="col">Group</th><th scope="col">Description</th><th scope="col">Permissions</th></tr></thead>
<tbody id="groups">${view.groups.length ? view.groups.map((g) => html`<tr><td><a href="${groupPath(frame, g)}">${g.name}</a></td><td>${g.description ?? ''}</td><td>${g.permissions.join(', ') || html`<span class="muted">none</span>`}</td></tr>`) : html`<tr><td colspan="3" class="muted">No groups yet.</td></tr>`}</tbody></table>
<section aria-labelledby="new-group-heading"><h2 id="new-group-heading">New group</h2>
<form method="post" action="${frame.base}/groups">${csrfField(frame)}
${groupFields('new', view.draft ?? { name: '', description: '', permissions: '' })}
<button type="submit">Create the group</button>
</form></section>`);
}

export interface GroupView {
  readonly notice?: Notice;
  readonly group: GroupRecord;
  readonly members: readonly { readonly id: string; readonly label: string; readonly status?: string }[];
  /** More members than the page lists. */
  readonly more: boolean;
}

export function groupPage(frame: ConsoleFrame, view: GroupView): string {
  const { group } = view;
  return consolePage(frame, group.name, html`<p><a href="${frame.base}/groups">All groups</a></p>
${noticeOf(view.notice)}<section aria-labelledby="members-heading"><h2 id="members-heading">Members</h2>
<table><thead><tr><th scope="col">User</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody id="members">${view.members.length ? view.members.map((m) => html`<tr><td><a href="${frame.base}/users/${encodeURIComponent(m.id)}">${m.label}</a></td><td>${m.status ?? ''}</td><td><form method="post" action="${groupPath(frame, group)}/members/remove" class="inline">${csrfField(frame)}<input type="hidden" name="user" value="${m.id}"><button type="submit" class="secondary small">Remove<span class="visually-hidden"> ${m.label}</span></button></form></td></tr>`) : html`<tr><td colspan="3" class="muted">No members.</td></tr>`}</tbody></table>
${view.more ? html`<p class="muted">Only the first ${String(view.members.length)} members are listed.</p>` : ''}
<form method="post" action="${groupPath(frame, group)}/members/add" class="search">${csrfField(frame)}
<label for="member-login">Add someone by email or username<input id="member-login" name="login" required maxlength="256" autocomplete="off"></label>
<button type="submit">Add</button></form></section>
<section aria-labelledby="edit-group-heading"><h2 id="edit-group-heading">Edit the group</h2>
<form method="post" action="${groupPath(frame, group)}/edit">${csrfField(frame)}<input type="hidden" name="version" value="${String(group.version)}">
${groupFields('edit', { name: group.name, description: group.description ?? '', permissions: group.permissions.join('\n') })}
<button type="submit">Save the group</button>
</form></section>
<section aria-labelledby="delete-group-heading"><h2 id="delete-group-heading">Delete</h2>
<p>Deletes the group and its memberships; its members stay. The last group of administrators cannot be deleted.</p>
<p><a href="${groupPath(frame, group)}/delete">Delete this group…</a></p></section>`);
}

/** The second step of deleting a group: its name typed. */
export function deleteGroupPage(frame: ConsoleFrame, view: { readonly group: GroupRecord; readonly notice?: Notice }): string {
  const { group } = view;
  return consolePage(frame, `Delete the group ${group.name}`, html`<p><a href="${groupPath(frame, group)}">Back to ${group.name}</a></p>
${noticeOf(view.notice)}<p>Its members lose what the group granted them. This cannot be undone.</p>
<form method="post" action="${groupPath(frame, group)}/delete">${csrfField(frame)}
<label for="confirm">Type <strong>${group.name}</strong> to confirm<input id="confirm" name="confirm" required maxlength="100" autocomplete="off"></label>
<button type="submit" class="danger">Delete the group</button>
</form>`);
}
