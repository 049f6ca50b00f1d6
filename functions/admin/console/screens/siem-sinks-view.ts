import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

export const sinkKinds = {
  webhook: 'Webhook: each event as JSON, signed with HMAC-SHA256 under a secret made for it',
  splunk_hec: 'Splunk HTTP Event Collector: events in HEC format with your collector’s token',
} as const;
export type SinkKind = keyof typeof sinkKinds;

export interface SinkItem {
  readonly id: string;
  readonly name: string;
  readonly kind: SinkKind;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  readonly updatedAt: string;
}

/** What the form holds: a sink being added or edited, or what was typed before a refusal. */
export interface SinkDraft {
  readonly id?: string;
  readonly name: string;
  readonly kind: SinkKind;
  readonly url: string;
  readonly eventTypes: string;
  readonly enabled: boolean;
}

export interface TestOutcome {
  readonly sink: string;
  readonly delivered: boolean;
  readonly status?: number;
  readonly reason?: string;
  readonly latencyMs: number;
  readonly eventId: string;
}

export interface SiemView {
  readonly notice?: Notice;
  readonly sinks: readonly SinkItem[];
  readonly more?: boolean;
  /** A webhook's signing secret just made: shown this once. */
  readonly secret?: { readonly sink: string; readonly value: string };
  readonly test?: TestOutcome;
  readonly draft?: SinkDraft;
  readonly confirm?: { readonly action: 'delete' | 'secret'; readonly sink: SinkItem };
}

const emptyDraft: SinkDraft = { name: '', kind: 'webhook', url: '', eventTypes: '', enabled: true };

function testOutcome(test: TestOutcome) {
  return html`<section aria-labelledby="test-heading" class="${test.delivered ? 'note' : 'notice'}" id="test-outcome"><h2 id="test-heading">Test event to ${test.sink}: ${test.delivered ? 'delivered' : 'not delivered'}</h2>
<dl><dt>Outcome</dt><dd id="test-delivered">${test.delivered ? 'The sink accepted the event.' : 'The sink did not accept the event.'}</dd>
${test.status !== undefined ? html`<dt>HTTP status</dt><dd id="test-status">${String(test.status)}</dd>` : ''}
${test.reason ? html`<dt>Error</dt><dd id="test-reason">${test.reason}</dd>` : ''}
<dt>Time taken</dt><dd id="test-latency">${String(test.latencyMs)} ms</dd>
<dt>Test event id</dt><dd><code>${test.eventId}</code></dd></dl></section>`;
}

function confirmation(frame: ConsoleFrame, confirm: NonNullable<SiemView['confirm']>) {
  const { sink } = confirm;
  const [heading, explanation, action, label] = confirm.action === 'delete'
    ? [`Delete the sink ${sink.name}?`, `Audit events stop going to ${sink.url}. Events already delivered stay where they are.`, 'delete', 'Yes, delete the sink']
    : [`Give ${sink.name} a new signing secret?`, 'The current secret stops working at once: deliveries are signed with the new one, shown here once. Give it to the receiver straight away.', 'secret', 'Yes, make a new secret'];
  return html`<section aria-labelledby="confirm-heading" class="notice" id="confirm-sink"><h2 id="confirm-heading">${heading}</h2><p>${explanation}</p>
<form method="post" action="${frame.base}/siem/${action}" class="actions">${csrfField(frame)}<input type="hidden" name="sink" value="${sink.id}"><input type="hidden" name="confirm" value="yes">
<button type="submit"${confirm.action === 'delete' ? html` class="danger"` : ''}>${label}</button> <a href="${frame.base}/siem">Cancel</a></form></section>`;
}

function sinkRow(frame: ConsoleFrame, sink: SinkItem) {
  return html`<tr><td>${sink.name}</td><td>${sink.kind === 'webhook' ? 'Webhook' : 'Splunk HEC'}</td><td><code>${sink.url}</code></td><td>${sink.eventTypes.length ? sink.eventTypes.join(', ') : html`<span class="muted">every event</span>`}</td><td>${sink.enabled ? 'On' : 'Paused'}</td>
<td><div class="actions"><form method="post" action="${frame.base}/siem/test" class="actions">${csrfField(frame)}<input type="hidden" name="sink" value="${sink.id}"><button type="submit" class="small" aria-label="Send test event to ${sink.name}">Send test event</button></form>
<a href="${frame.base}/siem?edit=${encodeURIComponent(sink.id)}#sink-form" aria-label="Edit ${sink.name}">Edit</a>
${sink.kind === 'webhook' ? html`<a href="${frame.base}/siem?secret=${encodeURIComponent(sink.id)}#confirm-sink" aria-label="New secret for ${sink.name}">New secret</a>` : ''}
<a href="${frame.base}/siem?delete=${encodeURIComponent(sink.id)}#confirm-sink" aria-label="Delete ${sink.name}">Delete</a></div></td></tr>`;
}

function sinkForm(frame: ConsoleFrame, draft: SinkDraft) {
  const editing = draft.id !== undefined;
  return html`<section aria-labelledby="sink-form-heading" id="sink-form"><h2 id="sink-form-heading">${editing ? html`Edit ${draft.name}` : 'Add a sink'}</h2>
<form method="post" action="${frame.base}/siem${editing ? '/update' : ''}">${csrfField(frame)}${editing ? html`<input type="hidden" name="sink" value="${draft.id}">` : ''}
<label for="sink-name">Name<input id="sink-name" name="name" required maxlength="128" value="${draft.name}"></label>
<fieldset><legend>Kind</legend>${(Object.entries(sinkKinds) as [SinkKind, string][]).map(([kind, label]) => html`<label class="choice"><input type="radio" name="kind" value="${kind}"${draft.kind === kind ? ' checked' : ''}> ${label}</label>`)}</fieldset>
<label for="sink-url">Destination URL (https)<input id="sink-url" name="url" type="url" required maxlength="2048" value="${draft.url}" placeholder="https://siem.example.com/collector"></label>
<label for="sink-token">Splunk HEC token (Splunk only${editing ? '; leave it empty to keep the current one' : ''})<input id="sink-token" name="token" type="password" autocomplete="off" maxlength="512"></label>
<label for="sink-events">Event types (separated by commas or spaces; a prefix such as signin.* covers a family; empty for every event)<input id="sink-events" name="eventTypes" maxlength="5000" value="${draft.eventTypes}" placeholder="signin.*, user.locked"></label>
<label class="choice"><input type="checkbox" name="enabled" value="on"${draft.enabled ? ' checked' : ''}> Send events to this sink</label>
<div class="actions"><button type="submit">${editing ? 'Save the sink' : 'Add the sink'}</button>${editing ? html` <a href="${frame.base}/siem">Cancel</a>` : ''}</div>
</form><p class="muted">A webhook’s signing secret is made for it and shown once; the receiver checks the <code>x-idp-signature</code> header. Destinations must be https and public.</p></section>`;
}

export function siemPage(frame: ConsoleFrame, view: SiemView): string {
  return consolePage(frame, 'SIEM', html`${noticeOf(view.notice)}${view.secret ? html`<section aria-labelledby="secret-heading" class="note"><h2 id="secret-heading">Signing secret of ${view.secret.sink}</h2>
<p>Shown this once: copy it to the receiver now.</p><p><code id="sink-secret">${view.secret.value}</code></p></section>` : ''}${view.test ? testOutcome(view.test) : ''}${view.confirm ? confirmation(frame, view.confirm) : ''}
<section aria-labelledby="sinks-heading"><h2 id="sinks-heading">Sinks</h2>
<p>Every audit event of this organization can be streamed to your security monitoring as it happens. A sink that fails is retried.</p>
<table><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Destination</th><th scope="col">Events</th><th scope="col">Sending</th><th scope="col">Actions</th></tr></thead>
<tbody>${view.sinks.length ? view.sinks.map((s) => sinkRow(frame, s)) : html`<tr><td colspan="6" class="muted">No sinks yet.</td></tr>`}</tbody></table>
${view.more ? html`<p class="muted">Only the first sinks are listed.</p>` : ''}</section>
${sinkForm(frame, view.draft ?? emptyDraft)}`);
}
