import type { HttpResponse } from '../../../../shared/http/request.ts';
import { html } from '../../../../shared/http/views/html.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest } from '../console-screen.ts';
import { flowNameOf, flowStateOf, prettyJson, publishersOf, type FlowState, type StoredFlowItem } from './flows-data.ts';
import { diffHtml, lineDiff } from './flows-diff.ts';
import { flowPath, flowScreen, readableTime } from './flows-view.ts';

/** A flow's versions: who published each and when, the differences between any two, and rollback. */

interface Comparison {
  readonly from: StoredFlowItem;
  readonly to: StoredFlowItem;
}

interface VersionsView {
  readonly state: FlowState;
  readonly publishers: ReadonlyMap<string, string>;
  readonly notice?: Notice;
  readonly comparison?: Comparison;
  /** A rollback waiting for its confirmation. */
  readonly confirm?: StoredFlowItem;
}

const currentVersion = (state: FlowState) => state.own?.version;
const versionLabel = (state: FlowState, v: StoredFlowItem) => `version ${v.version}${v.version === currentVersion(state) ? ' (current)' : ''}`;

const comparisonHtml = (state: FlowState, c: Comparison) => html`<section aria-labelledby="diff-heading"><h2 id="diff-heading">From ${versionLabel(state, c.from)} to ${versionLabel(state, c.to)}</h2>
${diffHtml(lineDiff(prettyJson(c.from.document), prettyJson(c.to.document)), `Differences from version ${c.from.version} to version ${c.to.version}`)}</section>`;

function versionsPage(frame: ConsoleFrame, view: VersionsView): string {
  const { state } = view;
  const path = flowPath(frame, state.name);
  const versions = state.versions;
  const current = currentVersion(state);
  const [newest, previous] = versions;
  const from = view.comparison?.from.version ?? previous?.version;
  const to = view.comparison?.to.version ?? newest?.version;
  const confirm = view.confirm;
  const body = confirm
    ? html`<section aria-labelledby="confirm-heading" class="note"><h2 id="confirm-heading">Roll back to version ${confirm.version}?</h2>
<p>Version ${confirm.version} is published again as a new version; sign-ins follow it within 30 seconds. What changes against the current flow:</p>
${state.own ? diffHtml(lineDiff(prettyJson(state.own.document), prettyJson(confirm.document)), `Differences from the current flow to version ${confirm.version}`) : ''}
<form method="post" action="${path}/rollback">${csrfField(frame)}<input type="hidden" name="version" value="${String(confirm.version)}"><input type="hidden" name="confirm" value="yes">
<button type="submit" class="danger">Yes, roll back to version ${confirm.version}</button>
</form><p><a href="${path}/versions">Cancel</a></p></section>`
    : html`${versions.length ? html`<table><caption class="muted">Every published version, newest first</caption><thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">Compare</th><th scope="col">Roll back</th></tr></thead>
<tbody>${versions.map((v) => html`<tr><td>${String(v.version)}${v.version === current ? ' (current)' : ''}</td><td>${readableTime(v.updatedAt)}</td><td>${view.publishers.get(v.updatedBy ?? '') ?? v.updatedBy ?? ''}</td>
<td>${current !== undefined && v.version !== current ? html`<a href="${path}/versions?from=${String(v.version)}&amp;to=${String(current)}">Version ${v.version} against the current</a>` : ''}</td>
<td>${v.version !== current ? html`<form method="post" action="${path}/rollback" class="inline">${csrfField(frame)}<input type="hidden" name="version" value="${String(v.version)}"><button type="submit" class="secondary small">Roll back to version ${v.version}</button></form>` : ''}</td></tr>
`)}</tbody></table>
${versions.length > 1 ? html`<form method="get" action="${path}/versions" class="compare">
<div class="flow-field"><label for="diff-from">From version</label><select id="diff-from" name="from">${versions.map((v) => html`<option value="${String(v.version)}"${v.version === from ? ' selected' : ''}>${String(v.version)}</option>`)}</select></div>
<div class="flow-field"><label for="diff-to">To version</label><select id="diff-to" name="to">${versions.map((v) => html`<option value="${String(v.version)}"${v.version === to ? ' selected' : ''}>${String(v.version)}</option>`)}</select></div>
<button type="submit">Show the differences</button>
</form>` : ''}` : html`<p class="muted">No version has been published yet.</p>`}
${view.comparison ? comparisonHtml(state, view.comparison) : ''}`;
  return flowScreen(frame, `${state.title}: versions`, state.name, 'versions', html`${noticeOf(view.notice)}${body}`);
}

async function renderVersions(req: ConsoleRequest, caller: ConsoleCaller, state: FlowState, extra: Omit<VersionsView, 'state' | 'publishers'> = {}): Promise<HttpResponse> {
  const publishers = await publishersOf(req, caller, state.versions);
  return renderScreen(req, caller, 'flows', (frame) => versionsPage(frame, { state, publishers, ...extra }));
}

const versionIn = (state: FlowState, value: string | null) => (value && /^\d{1,9}$/.test(value) ? state.versions.find((v) => v.version === Number(value)) : undefined);

/** GET /t/{tenant}/console/flows/{name}/versions[?from=&to=]: the versions, and the differences between two. */
export const showVersions = withCaller(async (req, caller) => {
  const state = await flowStateOf(req, caller, flowNameOf(req));
  const [fromParam, toParam] = [req.query.get('from'), req.query.get('to')];
  if (fromParam === null && toParam === null) return renderVersions(req, caller, state);
  const [from, to] = [versionIn(state, fromParam), versionIn(state, toParam)];
  if (!from || !to) return renderVersions(req, caller, state, { notice: { ok: false, text: 'Choose two versions of this flow to compare.' } });
  return renderVersions(req, caller, state, { comparison: { from, to } });
});

/**
 * POST /t/{tenant}/console/flows/{name}/rollback: first a confirmation (with what would change),
 * then, confirmed, the API's rollback: the chosen version published again as a new version.
 */
export const rollbackFlow = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const state = await flowStateOf(req, caller, flowNameOf(req));
  const chosen = versionIn(state, form.get('version'));
  if (!chosen) return renderVersions(req, caller, state, { notice: { ok: false, text: 'There is no such version of this flow.' } });
  if (form.get('confirm') !== 'yes') return renderVersions(req, caller, state, { confirm: chosen });
  try {
    const published = await callOperation<StoredFlowItem>(req, caller, 'POST /t/{tenant}/api/v1/flows/{name}/rollback', { path: { name: state.name }, body: { version: chosen.version } });
    return renderVersions(req, caller, await flowStateOf(req, caller, state.name), { notice: { ok: true, text: `Version ${chosen.version} is published again, as version ${published.version}.` } });
  } catch (error) {
    return renderVersions(req, caller, state, { notice: refusalOf(error) });
  }
});
