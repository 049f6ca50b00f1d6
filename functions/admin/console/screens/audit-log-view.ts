import type { AuditEvent } from '../../../../shared/domain/audit/event.ts';
import type { IntegrityReport } from '../../../../shared/domain/audit/integrity.ts';
import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import { eventTypes, filterQuery, outcomes, type AuditFilters } from './audit-log-filters.ts';

/** The API's integrity answer, as the domain reports it. */
export type IntegrityResult = IntegrityReport;

export interface AuditView {
  readonly notice?: Notice;
  readonly filters: AuditFilters;
  readonly events: readonly AuditEvent[];
  /** The cursor of the next (older) page. */
  readonly next?: string;
  readonly paged: boolean;
  readonly integrity?: IntegrityResult;
  readonly exportCap: number;
}

const when = (iso: string) => html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>`;
const actorOf = (e: AuditEvent) => `${e.actor.kind}${e.actor.id ? `: ${e.actor.id}` : ''}`;
const shownProblems = 20;

function filterForm(frame: ConsoleFrame, f: AuditFilters) {
  const selected = (a: string, b: string) => (a === b ? ' selected' : '');
  return html`<form method="get" action="${frame.base}/audit" role="search" aria-label="Filter the audit log" class="filters">
<label for="f-type">Event type<select id="f-type" name="type"><option value="">Any type</option>${eventTypes.map((t) => html`<option value="${t}"${selected(t, f.type)}>${t}</option>`)}</select></label>
<label for="f-outcome">Outcome<select id="f-outcome" name="outcome"><option value="">Any outcome</option>${outcomes.map((o) => html`<option value="${o}"${selected(o, f.outcome)}>${o}</option>`)}</select></label>
<label for="f-subject">Subject (a user id, key:…, siem_sink:…)<input id="f-subject" name="subject" maxlength="256" value="${f.subject}"></label>
<label for="f-actor">Actor (who did it: a user id or client id)<input id="f-actor" name="actor" maxlength="256" value="${f.actor}"></label>
<label for="f-application">Application (client id or SAML SP id)<input id="f-application" name="application" maxlength="256" value="${f.application}"></label>
<label for="f-from">From (UTC)<input id="f-from" name="from" type="datetime-local" value="${f.from}"></label>
<label for="f-to">To (UTC)<input id="f-to" name="to" type="datetime-local" value="${f.to}"></label>
<div class="actions"><button type="submit">Filter</button> <a href="${frame.base}/audit">Clear the filters</a></div>
</form>`;
}

function eventRow(e: AuditEvent) {
  return html`<tr><td>${when(e.time)}</td><td><code>${e.type}</code></td><td>${e.outcome}</td><td>${actorOf(e)}</td><td>${e.subject ?? ''}</td><td>${e.clientIp ?? ''}</td><td><code>${e.correlationId ?? ''}</code></td>
<td><details><summary>Details<span class="visually-hidden"> of ${e.type} at ${e.time}</span></summary><pre>${JSON.stringify({ id: e.id, userAgent: e.userAgent, details: e.details }, null, 2)}</pre></details></td></tr>`;
}

function integrityPanel(result: IntegrityResult) {
  return html`<section aria-labelledby="integrity-heading" class="${result.intact ? 'note' : 'notice'}" id="integrity"><h2 id="integrity-heading">Integrity ${result.from.slice(0, 16).replace('T', ' ')} to ${result.to.slice(0, 16).replace('T', ' ')} UTC: ${result.intact ? 'intact' : 'problems found'}</h2>
<p>${String(result.eventsVerified)} events checked against ${String(result.digests)} signed hourly digests${result.sealedUntil ? html`, sealed until ${when(result.sealedUntil)}` : ''}${result.signaturesUnverifiable ? `; ${result.signaturesUnverifiable} digests signed by keys no longer published` : ''}. Events of the last hour are not sealed yet.</p>
${result.problems.length ? html`<ul>${result.problems.slice(0, shownProblems).map((p) => html`<li>${p.kind}${'eventId' in p ? html` (event <code>${p.eventId}</code>)` : ''} in ${p.period}</li>`)}</ul>${result.problems.length > shownProblems ? html`<p>and ${String(result.problems.length - shownProblems)} more.</p>` : ''}` : ''}</section>`;
}

export function auditPage(frame: ConsoleFrame, view: AuditView): string {
  const f = view.filters;
  const period = f.from || f.to ? html`${f.from ? html`from ${f.from.replace('T', ' ')}` : 'from 7 days before'} ${f.to ? html`to ${f.to.replace('T', ' ')}` : 'to now'} (UTC)` : 'of the last 7 days';
  return consolePage(frame, 'Audit log', html`${noticeOf(view.notice)}${view.integrity ? integrityPanel(view.integrity) : ''}
${filterForm(frame, f)}
<section aria-labelledby="events-heading"><h2 id="events-heading">Events ${period}, newest first</h2>
<p class="actions"><a href="${frame.base}/audit/export${filterQuery(f, { format: 'csv' })}" id="export-csv">Download as CSV</a> <a href="${frame.base}/audit/export${filterQuery(f, { format: 'ndjson' })}" id="export-ndjson">Download as NDJSON</a> <a href="${frame.base}/audit${filterQuery(f, { integrity: 'check' })}#integrity">Check the integrity of this period</a></p>
<p class="muted">A download holds every event these filters match, newest first, up to ${view.exportCap.toLocaleString('en')}; narrow the period for older ones. A period spans at most 92 days.</p>
<div class="scroll" role="region" aria-labelledby="events-heading" tabindex="0"><table class="compact"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Type</th><th scope="col">Outcome</th><th scope="col">Actor</th><th scope="col">Subject</th><th scope="col">Client IP</th><th scope="col">Correlation id</th><th scope="col">Details</th></tr></thead>
<tbody>${view.events.length ? view.events.map(eventRow) : html`<tr><td colspan="8" class="muted">No events match.</td></tr>`}</tbody></table></div>
<p class="actions">${view.paged ? html`<a href="${frame.base}/audit${filterQuery(f)}">Newest events</a>` : ''}${view.next ? html` <a href="${frame.base}/audit${filterQuery(f, { cursor: view.next })}" rel="next">Older events</a>` : ''}</p>
</section>`);
}
