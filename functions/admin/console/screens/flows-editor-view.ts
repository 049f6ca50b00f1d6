import { html } from '../../../../shared/http/views/html.ts';
import { csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';
import type { FlowState } from './flows-data.ts';
import { actionKinds, conditionKinds, maxRuleRows, maxStepRows, offeredOptions, optionLabel, type FormModel, type RuleRow, type StepRow } from './flows-form.ts';
import { liveValidationScript } from './flows-script.ts';
import { flowPath, flowScreen, problemList, readableTime, type Problem } from './flows-view.ts';

export interface EditorView {
  readonly state: FlowState;
  /** The rows of the form view (the stored document's, or a refused draft's). */
  readonly model: FormModel;
  /** The JSON view's text (the stored document, or what was refused). */
  readonly jsonText: string;
  readonly problems?: readonly Problem[];
  readonly notice?: Notice;
  readonly providers: readonly string[];
  readonly groups: readonly string[];
  readonly schema: string;
}

const checked = (on: boolean) => (on ? html` checked` : '');
const selected = (on: boolean) => (on ? html` selected` : '');

function stepFieldset(i: number, step: StepRow | undefined, options: readonly string[]) {
  const name = `step.${i}`;
  return html`<fieldset><legend>${step ? `Step ${i + 1}${i === 0 ? ' (identifies the user)' : ''}` : `New step ${i + 1}`}</legend>
<input type="hidden" name="${name}.shown" value="${step ? 'existing' : 'new'}">
${options.map((option) => html`<label class="choice"><input type="checkbox" name="${name}.option.${option}"${checked(step?.options.includes(option) ?? false)}> ${optionLabel(option)}</label>
`)}${i > 0 ? html`<label class="choice"><input type="checkbox" name="${name}.optional"${checked(step ? step.optional : true)}> Optional: runs only when a rule requires it</label>
` : ''}${step && i > 0 ? html`<label class="choice"><input type="checkbox" name="${name}.remove"> Remove this step (later steps move up)</label>` : ''}</fieldset>`;
}

function ruleFieldset(i: number, rule: RuleRow | undefined, options: readonly string[]) {
  const name = `rule.${i}`;
  const id = `rule-${i}`;
  const legend = rule ? `Rule ${i + 1}` : 'New rule';
  if (rule?.kind === 'json') {
    return html`<fieldset><legend>${legend}</legend><input type="hidden" name="${name}.shown" value="1"><input type="hidden" name="${name}.json" value="${rule.json}">
<p class="muted">The form cannot show this rule; it is kept as it is (edit it in the JSON view).</p><pre tabindex="0" aria-label="${`${legend} as JSON`}"><code>${rule.json}</code></pre>
<label class="choice"><input type="checkbox" name="${name}.remove"> Remove this rule</label></fieldset>`;
  }
  const r = rule ?? { description: '', when: '', value: '', then: 'requireStep', step: '2', option: '', message: '' };
  return html`<fieldset class="rule-row"><legend>${legend}</legend><input type="hidden" name="${name}.shown" value="1">
<label for="${id}-description">Description (optional)<input id="${id}-description" name="${name}.description" maxlength="200" value="${r.description}"></label>
<div class="flow-field"><label for="${id}-when">If</label><select id="${id}-when" name="${name}.when"><option value="">${rule ? '(choose a condition)' : '(no new rule)'}</option>${(Object.entries(conditionKinds)).map(([kind, label]) => html`<option value="${kind}"${selected(r.when === kind)}>${label}</option>`)}</select></div>
<label for="${id}-value">Value<input id="${id}-value" name="${name}.value" maxlength="2000" value="${r.value}" list="group-names"></label>
<div class="flow-field"><label for="${id}-then">Then</label><select id="${id}-then" name="${name}.then">${(Object.entries(actionKinds)).map(([kind, label]) => html`<option value="${kind}"${selected(r.then === kind)}>${label}</option>`)}</select></div>
<label for="${id}-step">Step number<input id="${id}-step" name="${name}.step" inputmode="numeric" pattern="[0-9]*" maxlength="2" value="${r.step}"></label>
<div class="flow-field"><label for="${id}-option">Option to add</label><select id="${id}-option" name="${name}.option"><option value="">(none)</option>${options.map((o) => html`<option value="${o}"${selected(r.option === o)}>${optionLabel(o)}</option>`)}</select></div>
<label for="${id}-message">Message when denied<input id="${id}-message" name="${name}.message" maxlength="300" value="${r.message}"></label>
${rule ? html`<label class="choice"><input type="checkbox" name="${name}.remove"> Remove this rule</label>` : ''}</fieldset>`;
}

/** GET /console/flows/{name}: the flow's form view and JSON view; both save through the API's PUT. */
export function editorPage(frame: ConsoleFrame, view: EditorView): string {
  const { state, model } = view;
  const action = flowPath(frame, state.name);
  const version = String(state.own?.version ?? 0);
  const options = offeredOptions(view.providers, model);
  const stepRows = Array.from({ length: Math.min(maxStepRows, model.steps.length + 1) }, (_, i) => stepFieldset(i, model.steps[i], options));
  const ruleRows = Array.from({ length: Math.min(maxRuleRows, model.rules.length + 1) }, (_, i) => ruleFieldset(i, model.rules[i], options));
  return flowScreen(frame, state.title, state.name, 'edit', html`${noticeOf(view.notice)}
<p class="muted" id="flow-status">${state.own ? (state.own.version ? `Version ${state.own.version}, published ${readableTime(state.own.updatedAt)}.` : 'The built-in flow: no version published yet.') : 'This application follows the default flow. Saving here gives it a flow of its own, starting from the copy of the default below.'}</p>
<nav aria-label="Views of the document" class="flow-tabs"><a href="#form-view">Form view</a> <a href="#json-view">JSON view</a></nav>
<section id="form-view" aria-labelledby="form-view-heading"><h2 id="form-view-heading">Form view</h2>
<p class="muted">The steps and the common rules; everything else (session, consent, claims, home realm) is in the JSON view and kept as it is.</p>
<form method="post" action="${action}">${csrfField(frame)}<input type="hidden" name="view" value="form"><input type="hidden" name="version" value="${version}">
<h3>Steps</h3>
<p class="muted">All steps run in order; a step passes when any one of its ticked options passes.</p>
${stepRows}
<h3>Rules</h3>
<p class="muted">Rules run in order. Steps are numbered from 1. For example: if the user is in the group Finance, require step 2.</p>
<datalist id="group-names">${view.groups.map((g) => html`<option value="${g}"></option>`)}</datalist>
${ruleRows}
<button type="submit">Save the form</button>
</form></section>
<section id="json-view" aria-labelledby="json-view-heading"><h2 id="json-view-heading">JSON view</h2>
<form method="post" action="${action}" id="json-form" data-validate="${action}/validate">${csrfField(frame)}<input type="hidden" name="view" value="json"><input type="hidden" name="version" value="${version}">
<label for="flow-json">Flow document (JSON)</label>
<textarea id="flow-json" name="document" rows="24" spellcheck="false" autocomplete="off" aria-describedby="json-hint json-problems"${view.problems?.length ? html` aria-invalid="true"` : ''}>${view.jsonText}</textarea>
<p id="json-hint" class="muted">Checked against the flow schema as you type; saving checks it again.</p>
<div id="json-problems" role="status" aria-live="polite">${problemList(view.problems ?? [])}</div>
<button type="submit">Save the JSON</button>
</form>
<details><summary>The flow document's JSON Schema</summary><pre tabindex="0" aria-label="The flow document's JSON Schema"><code>${view.schema}</code></pre></details>
</section>`, liveValidationScript);
}
