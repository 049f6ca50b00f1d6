import { html, type SafeHtml } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

/** What the flow screens share: the flow's own navigation, and a list of validation problems. */

export type FlowTab = 'edit' | 'versions' | 'explain';

const tabs: Record<FlowTab, { label: string; path: string }> = {
  edit: { label: 'Edit', path: '' },
  versions: { label: 'Versions and differences', path: '/versions' },
  explain: { label: 'Explain', path: '/explain' },
};

export const flowPath = (frame: ConsoleFrame, name: string) => `${frame.base}/flows/${encodeURIComponent(name)}`;

export const flowTabs = (frame: ConsoleFrame, name: string, current: FlowTab) => html`<nav aria-label="This flow" class="flow-tabs"><a href="${frame.base}/flows">All flows</a>
${(Object.entries(tabs) as [FlowTab, { label: string; path: string }][]).map(([tab, { label, path }]) => html`<a href="${flowPath(frame, name)}${path}"${tab === current ? html` aria-current="page"` : ''}>${label}</a>
`)}</nav>`;

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export const problemList = (problems: readonly Problem[]) =>
  problems.length ? html`<p class="error">${problems.length === 1 ? '1 problem' : `${problems.length} problems`}:</p><ul class="problems">${problems.map((p) => html`<li><code>${p.path}</code>: ${p.message}</li>`)}</ul>` : '';

export interface FlowsListView {
  readonly notice?: Notice;
  readonly defaultFlow: { readonly version: number; readonly updatedAt?: string };
  readonly applications: readonly { readonly id: string; readonly name: string; readonly kind: string; readonly own?: { readonly version: number; readonly updatedAt?: string } }[];
}

const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '');

/** GET /console/flows: the default flow, each application's (its own or the default), and a way to give one its own. */
export function flowsListPage(frame: ConsoleFrame, view: FlowsListView): string {
  const following = view.applications.filter((a) => !a.own);
  return consolePage(frame, 'Flows', html`${noticeOf(view.notice)}<p class="muted">A flow says how people sign in: its steps (all must pass; in each, any one option passes) and the rules that change them. Applications without a flow of their own follow the default flow.</p>
<table><thead><tr><th scope="col">Flow</th><th scope="col">Application</th><th scope="col">Version</th><th scope="col">Published</th></tr></thead>
<tbody><tr><td><a href="${frame.base}/flows/default">Default flow</a></td><td class="muted">Every application without its own</td><td>${view.defaultFlow.version ? String(view.defaultFlow.version) : 'built-in'}</td><td>${view.defaultFlow.version ? when(view.defaultFlow.updatedAt) : ''}</td></tr>
${view.applications.map((a) => html`<tr><td><a href="${frame.base}/flows/${encodeURIComponent(a.id)}">${a.own ? `Flow of ${a.name}` : `${a.name}: follows the default`}</a></td><td>${a.name} <span class="muted">(${a.kind}, <code>${a.id}</code>)</span></td><td>${a.own ? String(a.own.version) : ''}</td><td>${a.own ? when(a.own.updatedAt) : ''}</td></tr>
`)}</tbody></table>
<section aria-labelledby="new-flow-heading"><h2 id="new-flow-heading">Give an application its own flow</h2>
${following.length ? html`<form method="post" action="${frame.base}/flows">${csrfField(frame)}
<div class="flow-field"><label for="flow-application">Application</label><select id="flow-application" name="application" required>${following.map((a) => html`<option value="${a.id}">${a.name} (${a.kind})</option>`)}</select></div>
<p class="muted">Its flow starts as a copy of the default flow; edit it after.</p>
<button type="submit">Create its flow</button>
</form>` : html`<p class="muted">Every application has its own flow already, or there is no application yet.</p>`}</section>`);
}

/** A flow screen: its title, its tabs, then the screen. */
export const flowScreen = (frame: ConsoleFrame, title: string, name: string, tab: FlowTab, body: SafeHtml, script?: string) =>
  consolePage(frame, title, html`${flowTabs(frame, name, tab)}${body}`, script);

export { when as readableTime };
