import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, type ConsoleFrame } from '../console-layout.ts';

export interface OverviewDay {
  readonly date: string;
  readonly success: number;
  readonly failure: number;
  readonly mfa: number;
  readonly activeUsers: number;
}

export interface OverviewView {
  /** 7 or 30: the period the tiles and the chart cover. */
  readonly range: 7 | 30;
  readonly days: readonly OverviewDay[];
  readonly openSessions: number;
  readonly activeUsersThisMonth: number;
}

const percent = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '–');

/** Sign-ins per day as stacked bars (succeeded, failed): an SVG drawn on the server, its numbers in the table below. */
function chart(days: readonly OverviewDay[]) {
  const width = 720;
  const height = 160;
  const peak = Math.max(1, ...days.map((d) => d.success + d.failure));
  const slot = width / days.length;
  const bar = Math.max(2, slot * 0.7);
  const y = (n: number) => (height * n) / peak;
  return html`<svg class="chart" viewBox="0 0 ${String(width)} ${String(height + 18)}" role="img" aria-labelledby="chart-title"><title id="chart-title">Sign-ins per day, ${days[0]?.date ?? ''} to ${days.at(-1)?.date ?? ''}: ${String(days.reduce((n, d) => n + d.success, 0))} succeeded, ${String(days.reduce((n, d) => n + d.failure, 0))} failed</title>
${days.map((d, i) => {
  const x = (i * slot + (slot - bar) / 2).toFixed(1);
  return html`<g><title>${d.date}: ${String(d.success)} succeeded, ${String(d.failure)} failed</title><rect class="ok" x="${x}" y="${(height - y(d.success)).toFixed(1)}" width="${bar.toFixed(1)}" height="${y(d.success).toFixed(1)}"></rect><rect class="bad" x="${x}" y="${(height - y(d.success) - y(d.failure)).toFixed(1)}" width="${bar.toFixed(1)}" height="${y(d.failure).toFixed(1)}"></rect></g>`;
})}
<text x="0" y="${String(height + 14)}">${days[0]?.date.slice(5) ?? ''}</text><text x="${String(width)}" y="${String(height + 14)}" text-anchor="end">${days.at(-1)?.date.slice(5) ?? ''}</text></svg>
<p class="legend muted"><span class="swatch ok"></span> succeeded <span class="swatch bad"></span> failed</p>`;
}

export function overviewPage(frame: ConsoleFrame, view: OverviewView): string {
  const today = view.days.at(-1);
  const totals = view.days.reduce((t, d) => ({ success: t.success + d.success, failure: t.failure + d.failure, mfa: t.mfa + d.mfa }), { success: 0, failure: 0, mfa: 0 });
  const period = `${view.range} days`;
  return consolePage(frame, 'Overview', html`<nav aria-label="Period" class="tabs">${([7, 30] as const).map((range) => html`<a href="${frame.base}${range === 7 ? '' : '?days=30'}"${range === view.range ? html` aria-current="page"` : ''}>Last ${String(range)} days</a>`)}</nav>
<div class="tiles">
<p class="tile"><span class="muted">Sign-ins today</span> <strong id="signins-today">${String(today?.success ?? 0)}</strong></p>
<p class="tile"><span class="muted">Failure rate (${period})</span> <strong id="failure-rate">${percent(totals.failure, totals.failure + totals.success)}</strong></p>
<p class="tile"><span class="muted">With a second factor (${period})</span> <strong id="mfa-share">${totals.success ? percent(Math.min(totals.mfa, totals.success), totals.success) : '–'}</strong></p>
<p class="tile"><span class="muted">Active users this month</span> <strong id="active-users">${String(view.activeUsersThisMonth)}</strong></p>
<p class="tile"><span class="muted">Signed in now</span> <strong id="open-sessions">${String(view.openSessions)}</strong></p>
</div>
<section aria-labelledby="days-heading"><h2 id="days-heading">The last ${period}</h2>
${chart(view.days)}
<details${view.range === 7 ? html` open` : ''}><summary>The numbers per day</summary>
<table><caption class="muted">Sign-in attempts per day</caption>
<thead><tr><th scope="col">Day</th><th scope="col">Succeeded</th><th scope="col">Failed</th><th scope="col">With a second factor</th><th scope="col">Active users</th></tr></thead>
<tbody>${[...view.days].reverse().map((d) => html`<tr><td>${d.date}</td><td>${String(d.success)}</td><td>${String(d.failure)}</td><td>${String(d.mfa)}</td><td>${String(d.activeUsers)}</td></tr>`)}</tbody>
</table></details></section>`);
}
