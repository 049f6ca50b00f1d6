import type { HttpResponse } from '../../../../shared/http/request.ts';
import { userByLogin } from './users.ts';
import { html } from '../../../../shared/http/views/html.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest } from '../console-screen.ts';
import { applicationsOf, flowNameOf, flowStateOf, type ApplicationRef, type FlowState } from './flows-data.ts';
import { optionLabel } from './flows-form.ts';
import { flowPath, flowScreen } from './flows-view.ts';

/** The dry run of a flow (the API's explain): which steps a sign-in in a sample context gets, and which rules matched. */

interface Explanation {
  denied?: string;
  steps: Array<{ number: number; options: string[] }>;
  trace: string[];
  stepsLeft: number[];
}

/** The sample as typed, to show it again. */
type Sample = Readonly<Record<string, string>>;

const sampleFields = ['user', 'groups', 'application', 'clientIp', 'time', 'newDevice', 'failedAttempts', 'mfa', 'sessionPwd', 'sessionOtp', 'sessionHwk', 'sessionAge'] as const;
const sessionMethods = { sessionPwd: 'pwd', sessionOtp: 'otp', sessionHwk: 'hwk' } as const;

interface ExplainView {
  readonly state: FlowState;
  readonly applications: readonly ApplicationRef[];
  readonly sample: Sample;
  readonly notice?: Notice;
  readonly result?: Explanation;
}

const field = (sample: Sample, name: string) => sample[name] ?? '';
const on = (sample: Sample, name: string) => (sample[name] === 'on' ? html` checked` : '');

function resultHtml(result: Explanation) {
  const rules = result.trace.filter((t) => t.startsWith('rule '));
  const others = result.trace.filter((t) => !t.startsWith('rule '));
  return html`<section aria-labelledby="result-heading" id="explanation"><h2 id="result-heading">What this sign-in would get</h2>
${result.denied ? html`<p class="notice" id="explain-denied"><strong>Denied:</strong> ${result.denied}</p>` : ''}
<h3>Steps that would run</h3>
<ol id="explain-steps">${result.steps.map((s) => html`<li value="${String(s.number)}">Step ${s.number}: ${s.options.map(optionLabel).join(' or ')}${result.stepsLeft.includes(s.number) ? '' : html` <span class="muted">(already covered by the session)</span>`}</li>`)}</ol>
<h3>Rules</h3>
${rules.length ? html`<ul id="explain-rules">${rules.map((r) => html`<li>${r.includes(': applies') ? html`<strong>Matched:</strong> ` : html`<span class="muted">Not matched:</span> `}${r}</li>`)}</ul>` : html`<p class="muted">The flow has no rules.</p>`}
<h3>Why each step runs or not</h3>
<ul>${others.map((t) => html`<li>${t}</li>`)}</ul></section>`;
}

function explainPage(frame: ConsoleFrame, view: ExplainView): string {
  const { state, sample } = view;
  return flowScreen(frame, `${state.title}: explain`, state.name, 'explain', html`${noticeOf(view.notice)}
<p class="muted">A dry run: nothing signs in and nothing is recorded. Give a user (their groups and attributes are used) or groups.</p>
<form method="post" action="${flowPath(frame, state.name)}/explain">${csrfField(frame)}
<label for="explain-user">User (email or user ID)<input id="explain-user" name="user" maxlength="254" value="${field(sample, 'user')}" autocomplete="off"></label>
<label for="explain-groups">Or groups (comma-separated)<input id="explain-groups" name="groups" maxlength="2000" value="${field(sample, 'groups')}"></label>
<div class="flow-field"><label for="explain-application">Application</label><select id="explain-application" name="application"><option value="">(none)</option>${view.applications.map((a) => html`<option value="${a.id}"${field(sample, 'application') === a.id ? ' selected' : ''}>${a.name} (${a.kind})</option>`)}</select></div>
<label for="explain-ip">IP address<input id="explain-ip" name="clientIp" maxlength="64" value="${field(sample, 'clientIp') || '203.0.113.1'}"></label>
<label for="explain-time">Time (UTC; empty: now)<input id="explain-time" name="time" type="datetime-local" value="${field(sample, 'time')}"></label>
<label for="explain-failed">Failed attempts so far<input id="explain-failed" name="failedAttempts" inputmode="numeric" maxlength="4" value="${field(sample, 'failedAttempts') || '0'}"></label>
<label class="choice"><input type="checkbox" name="newDevice"${on(sample, 'newDevice')}> From a new device</label>
<label class="choice"><input type="checkbox" name="mfa"${on(sample, 'mfa')}> The application asks for multi-factor authentication (acr_values urn:idp:acr:mfa)</label>
<fieldset><legend>An existing session signed in with (none: no session)</legend>
<label class="choice"><input type="checkbox" name="sessionPwd"${on(sample, 'sessionPwd')}> Password</label>
<label class="choice"><input type="checkbox" name="sessionOtp"${on(sample, 'sessionOtp')}> A one-time code</label>
<label class="choice"><input type="checkbox" name="sessionHwk"${on(sample, 'sessionHwk')}> A passkey</label>
<label for="explain-session-age">Its age in minutes<input id="explain-session-age" name="sessionAge" inputmode="numeric" maxlength="6" value="${field(sample, 'sessionAge') || '0'}"></label>
</fieldset>
<button type="submit">Explain</button>
</form>
${view.result ? resultHtml(view.result) : ''}`);
}

async function renderExplain(req: ConsoleRequest, caller: ConsoleCaller, state: FlowState, extra: Omit<ExplainView, 'state' | 'applications'>): Promise<HttpResponse> {
  const applications = await applicationsOf(req, caller);
  return renderScreen(req, caller, 'flows', (frame) => explainPage(frame, { state, applications, ...extra }));
}

/** A whole number as a number; anything else as typed, for the API to refuse with its path. */
const number = (value: string) => (/^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value);

/** The API's explain context from the form; the user by email or username (the API's lookup), else by ID. */
async function contextOf(req: ConsoleRequest, caller: ConsoleCaller, sample: Sample): Promise<{ context: Record<string, unknown> } | { notice: Notice }> {
  const user = field(sample, 'user').trim();
  const userId = user ? ((await userByLogin(req, caller, user))?.id ?? (user.includes('@') ? undefined : user)) : undefined;
  if (user && !userId) return { notice: { ok: false, text: `There is no user ${user}.` } };
  const groups = field(sample, 'groups').split(',').map((g) => g.trim()).filter(Boolean);
  const time = field(sample, 'time').trim();
  const amr = (Object.entries(sessionMethods) as [string, string][]).filter(([name]) => sample[name] === 'on').map(([, method]) => method);
  const age = number(field(sample, 'sessionAge') || '0');
  return {
    context: {
      ...(userId ? { userId } : groups.length ? { groups } : {}),
      ...(field(sample, 'application') ? { application: field(sample, 'application') } : {}),
      clientIp: field(sample, 'clientIp').trim() || '203.0.113.1',
      ...(time ? { time: /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(time) ? `${time}:00Z` : time } : {}),
      newDevice: sample.newDevice === 'on',
      failedAttempts: number(field(sample, 'failedAttempts') || '0'),
      acrValues: sample.mfa === 'on' ? ['urn:idp:acr:mfa'] : [],
      ...(amr.length ? { session: { amr, ageSeconds: typeof age === 'number' ? age * 60 : age } } : {}),
    },
  };
}

/** GET /t/{tenant}/console/flows/{name}/explain: the sample's form (an application's flow: that application chosen). */
export const showExplain = withCaller(async (req, caller) => {
  const state = await flowStateOf(req, caller, flowNameOf(req));
  return renderExplain(req, caller, state, { sample: state.name === 'default' ? {} : { application: state.name } });
});

/** POST /t/{tenant}/console/flows/{name}/explain: the API's dry run of the flow for the sample. */
export const explainFlow = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const state = await flowStateOf(req, caller, flowNameOf(req));
  const sample: Sample = Object.fromEntries(sampleFields.map((name) => [name, (form.get(name) ?? '').slice(0, 2000)]));
  const made = await contextOf(req, caller, sample);
  if ('notice' in made) return renderExplain(req, caller, state, { sample, notice: made.notice });
  try {
    const result = await callOperation<Explanation>(req, caller, 'POST /t/{tenant}/api/v1/flows/{name}/explain', { path: { name: state.name }, body: made.context });
    return renderExplain(req, caller, state, { sample, result });
  } catch (error) {
    return renderExplain(req, caller, state, { sample, notice: refusalOf(error) });
  }
});
