import type { AuditStatistics } from '../../../shared/domain/audit/audit-statistics.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

const table = (caption: string, head: readonly string[], rows: readonly (readonly (string | number)[])[]): SafeHtml =>
  html`<table><caption>${caption}</caption><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.length ? rows.map((r) => html`<tr>${r.map((c) => html`<td>${String(c)}</td>`)}</tr>`) : html`<tr><td colspan="${String(head.length)}">None</td></tr>`}</tbody></table>`;

const counts = (caption: string, label: string, values: Record<string, number>) =>
  table(caption, [label, 'Count'], Object.entries(values).sort(([, a], [, b]) => b - a));

/**
 * The dashboard's numbers as a page that prints cleanly (the "download as PDF" of the seed:
 * the browser's print to PDF makes the file). Everything shown is escaped.
 */
export function statisticsReport(organization: string, stats: AuditStatistics, nonce: string): string {
  const { from, to } = stats.period;
  const body = html`<style nonce="${nonce}">main{max-width:60rem}table{width:100%;border-collapse:collapse;margin:1rem 0 1.5rem;font-size:.92rem}caption{text-align:left;font-weight:600;margin-bottom:.4rem}th,td{border-bottom:1px solid #9aa3ad55;padding:.3rem .5rem;text-align:left}td:last-child,th:last-child{text-align:right}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.8rem}.kpis div{padding:.6rem .8rem;border-radius:8px;background:rgb(59 91 219/.08)}.kpis b{display:block;font-size:1.4rem}@media print{body{background:#fff;color:#000}main{box-shadow:none;margin:0;max-width:none}.kpis div{background:none;border:1px solid #999}table{page-break-inside:avoid}}</style>
<h1>Sign-in report: ${organization}</h1>
<p class="muted">${from} to ${to}${stats.truncated ? ' (partial: the period holds more events than one report reads)' : ''}</p>
<div class="kpis">
<div><b>${String(stats.signIns.success)}</b>successful sign-ins</div>
<div><b>${percent(stats.signIns.failureRate)}</b>failure rate</div>
<div><b>${percent(stats.mfa.adoptionRate)}</b>sign-ins with a second factor</div>
<div><b>${String(stats.activeUsers.period)}</b>active users</div>
<div><b>${String(stats.lockouts)}</b>lockouts</div>
<div><b>${String(stats.tokens.issued)}</b>tokens issued</div>
</div>
${table('Sign-ins per day', ['Day', 'Successful', 'Failed', 'Active users'], stats.signInsByDay.map((d, i) => [d.date, d.success, d.failure, stats.activeUsers.byDay[i]?.users ?? 0]))}
${counts('Why sign-ins failed', 'Reason', stats.failureReasons)}
${counts('Authenticators used', 'Authenticator', stats.byAuthenticator)}
${table('Sign-ins by application', ['Application', 'Sign-ins'], stats.byApplication.map((a) => [a.application, a.signIns]))}
${counts('Tokens by grant type', 'Grant type', stats.tokens.byGrantType)}
${table('Second factors', ['Challenges', 'Passed', 'Failed'], [[stats.mfa.challenges, stats.mfa.success, stats.mfa.failure]])}`;
  return page({ title: `Sign-in report: ${organization}`, nonce, body });
}
