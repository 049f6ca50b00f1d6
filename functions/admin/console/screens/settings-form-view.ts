import { html, type SafeHtml } from '../../../../shared/http/views/html.ts';
import { csrfField, type ConsoleFrame } from '../console-layout.ts';
import { durationUnits, type Fields } from './settings-form.ts';

/** The controls of the settings screens: a label on each, its help text tied to it by aria-describedby. */

const hint = (id: string, text: string | undefined) => (text ? html`<p class="muted hint" id="${id}-help">${text}</p>` : '');
const describedBy = (id: string, text: string | undefined) => (text ? html` aria-describedby="${id}-help"` : '');

/** The form of a settings screen: its CSRF token and the version of the settings it shows. */
export const settingsForm = (frame: ConsoleFrame, action: string, version: number, body: SafeHtml, button: string, id?: string) => html`<form method="post" action="${frame.base}${action}" class="settings"${id ? html` id="${id}"` : ''}>${csrfField(frame)}<input type="hidden" name="version" value="${String(version)}">
${body}
<button type="submit">${button}</button>
</form>`;

export interface FieldOptions {
  readonly help?: string;
  readonly type?: string;
  readonly required?: boolean;
  readonly maxlength?: number;
  readonly placeholder?: string;
  readonly autocomplete?: string;
}

export const textField = (fields: Fields, name: string, label: string, options: FieldOptions = {}) => {
  const id = `field-${name}`;
  return html`<label for="${id}">${label}<input id="${id}" name="${name}" type="${options.type ?? 'text'}" value="${fields[name] ?? ''}" maxlength="${String(options.maxlength ?? 200)}"${options.required ? html` required` : ''}${options.placeholder ? html` placeholder="${options.placeholder}"` : ''} autocomplete="${options.autocomplete ?? 'off'}"${describedBy(id, options.help)}></label>${hint(id, options.help)}`;
};

export const numberField = (fields: Fields, name: string, label: string, range: { min: number; max: number }, help?: string) => {
  const id = `field-${name}`;
  return html`<label for="${id}">${label}<input id="${id}" name="${name}" type="number" inputmode="numeric" step="1" min="${String(range.min)}" max="${String(range.max)}" required value="${fields[name] ?? ''}"${describedBy(id, help)}></label>${hint(id, help)}`;
};

export const checkbox = (fields: Fields, name: string, label: string, help?: string) => {
  const id = `field-${name}`;
  return html`<label class="choice" for="${id}"><input id="${id}" name="${name}" type="checkbox" value="on"${name in fields ? html` checked` : ''}${describedBy(id, help)}> ${label}</label>${hint(id, help)}`;
};

export const textArea = (fields: Fields, name: string, label: string, help?: string, rows = 4) => {
  const id = `field-${name}`;
  return html`<label for="${id}">${label}<textarea id="${id}" name="${name}" rows="${String(rows)}" spellcheck="false"${describedBy(id, help)}>${fields[name] ?? ''}</textarea></label>${hint(id, help)}`;
};

/** A duration as a number and a unit (minutes, hours, days; seconds only when the value needs it). */
export const durationField = (fields: Fields, name: string, label: string, help?: string) => {
  const id = `field-${name}`;
  const chosen = fields[`${name}_unit`] ?? 'minutes';
  const units = (Object.keys(durationUnits) as Array<keyof typeof durationUnits>).filter((u) => u !== 'seconds' || chosen === 'seconds');
  return html`<div class="duration"><label for="${id}">${label}<input id="${id}" name="${name}" type="number" inputmode="numeric" step="1" min="1" required value="${fields[name] ?? ''}"${describedBy(id, help)}></label>
<label for="${id}-unit">Unit<span class="visually-hidden"> of ${label.toLowerCase()}</span><select id="${id}-unit" name="${name}_unit">${units.map((u) => html`<option value="${u}"${u === chosen ? html` selected` : ''}>${u}</option>`)}</select></label></div>${hint(id, help)}`;
};
