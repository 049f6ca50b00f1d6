import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, type ConsoleFrame } from '../console-layout.ts';

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
