import { authenticatorIds } from '../../../../shared/domain/flows/flow-document.ts';

/**
 * The flow editor's form view: the steps and the common kinds of rule of a flow document as
 * form fields, and back. It only translates; the admin API validates what it makes. A rule the
 * form cannot show (nested all/any, …) travels as its JSON, untouched; every other part of the
 * document (session, consent, claims, …) is the JSON view's.
 */

export const optionLabels: Readonly<Record<string, string>> = {
  password: 'Password',
  totp: 'Authenticator app (TOTP)',
  email_otp: 'Code by email',
  recovery_code: 'Recovery code',
  webauthn: 'Passkey (WebAuthn)',
};

export const optionLabel = (option: string) => optionLabels[option] ?? (option.startsWith('federated:') ? `Identity provider ${option.slice('federated:'.length)}` : option);

/** The conditions the form offers, each with what its value is. */
export const conditionKinds = {
  memberOf: 'the user is in the group',
  notMemberOf: 'the user is not in the group',
  application: 'the application is one of (client ids, comma-separated)',
  ipIn: 'the sign-in comes from the IP ranges (CIDR, comma-separated)',
  ipNotIn: 'the sign-in comes from outside the IP ranges (CIDR, comma-separated)',
  newDevice: 'the sign-in is from a new device (no value)',
  failedAttemptsAtLeast: 'failed attempts are at least (a number)',
  timeOfDayUtc: 'the time of day (UTC) is between (HH:MM-HH:MM)',
  acrRequested: 'the application requests the ACR value',
  attribute: 'the user attribute equals (name=value)',
} as const;
export type ConditionKind = keyof typeof conditionKinds;

export const actionKinds = {
  requireStep: 'require the step',
  skipStep: 'skip the step',
  addOption: 'add the option to the step',
  deny: 'deny the sign-in with the message',
} as const;
export type ActionKind = keyof typeof actionKinds;

export interface StepRow {
  readonly options: readonly string[];
  readonly optional: boolean;
}

export type RuleRow =
  | { readonly kind: 'simple'; readonly description: string; readonly when: ConditionKind; readonly value: string; readonly then: ActionKind; readonly step: string; readonly option: string; readonly message: string }
  | { readonly kind: 'json'; readonly json: string };

export interface FormModel {
  readonly steps: readonly StepRow[];
  readonly rules: readonly RuleRow[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKey = (v: unknown): [string, unknown] | undefined => (isObject(v) && Object.keys(v).length === 1 ? Object.entries(v)[0] : undefined);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const hasOnly = (v: Record<string, unknown>, keys: readonly string[]) => Object.keys(v).every((k) => keys.includes(k));

function conditionRow(when: unknown): { when: ConditionKind; value: string } | undefined {
  const [key, value] = onlyKey(when) ?? [];
  if (key === 'memberOf' && typeof value === 'string') return { when: 'memberOf', value };
  if (key === 'application' && strings(value)) return { when: 'application', value: value.join(', ') };
  if (key === 'ipIn' && strings(value)) return { when: 'ipIn', value: value.join(', ') };
  if (key === 'newDevice' && value === true) return { when: 'newDevice', value: '' };
  if (key === 'failedAttemptsAtLeast' && typeof value === 'number') return { when: 'failedAttemptsAtLeast', value: String(value) };
  if (key === 'acrRequested' && typeof value === 'string') return { when: 'acrRequested', value };
  if (key === 'timeOfDayUtc' && isObject(value) && hasOnly(value, ['from', 'to']) && typeof value.from === 'string' && typeof value.to === 'string') return { when: 'timeOfDayUtc', value: `${value.from}-${value.to}` };
  if (key === 'attribute' && isObject(value) && hasOnly(value, ['name', 'equals']) && typeof value.name === 'string' && typeof value.equals === 'string') return { when: 'attribute', value: `${value.name}=${value.equals}` };
  if (key === 'not') {
    const inner = conditionRow(value);
    if (inner?.when === 'memberOf') return { when: 'notMemberOf', value: inner.value };
    if (inner?.when === 'ipIn') return { when: 'ipNotIn', value: inner.value };
  }
  return undefined;
}

function actionRow(then: unknown): { then: ActionKind; step: string; option: string; message: string } | undefined {
  const [key, value] = onlyKey(then) ?? [];
  if ((key === 'requireStep' || key === 'skipStep') && typeof value === 'number') return { then: key, step: String(value), option: '', message: '' };
  if (key === 'deny' && typeof value === 'string') return { then: 'deny', step: '', option: '', message: value };
  if (key === 'addOption' && isObject(value) && hasOnly(value, ['step', 'authenticator']) && typeof value.step === 'number' && typeof value.authenticator === 'string') return { then: 'addOption', step: String(value.step), option: value.authenticator, message: '' };
  return undefined;
}

function ruleRow(rule: unknown): RuleRow {
  if (isObject(rule) && hasOnly(rule, ['description', 'when', 'then']) && (rule.description === undefined || typeof rule.description === 'string')) {
    const when = conditionRow(rule.when);
    const then = actionRow(rule.then);
    if (when && then) return { kind: 'simple', description: rule.description ?? '', ...when, ...then };
  }
  return { kind: 'json', json: JSON.stringify(rule) };
}

/** The form's rows of a document (a refused draft too: nothing here trusts its shape). */
export function formModelOf(document: unknown): FormModel {
  const doc = isObject(document) ? document : {};
  const steps = Array.isArray(doc.steps) ? doc.steps.map((s): StepRow => ({ options: isObject(s) && strings(s.options) ? s.options : [], optional: isObject(s) && s.optional === true })) : [];
  const rules = Array.isArray(doc.rules) ? doc.rules.map(ruleRow) : [];
  return { steps, rules };
}

/** Room for one more step and one more rule than the document has; the API's own limits decide beyond. */
export const maxStepRows = 6;
export const maxRuleRows = 60;

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
/** A whole number as a number; anything else as typed, for the API to refuse with its path. */
const number = (value: string) => (/^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value);

function conditionOf(kind: ConditionKind, value: string): unknown {
  const v = value.trim();
  switch (kind) {
    case 'memberOf': return { memberOf: v };
    case 'notMemberOf': return { not: { memberOf: v } };
    case 'application': return { application: list(v) };
    case 'ipIn': return { ipIn: list(v) };
    case 'ipNotIn': return { not: { ipIn: list(v) } };
    case 'newDevice': return { newDevice: true };
    case 'failedAttemptsAtLeast': return { failedAttemptsAtLeast: number(v) };
    case 'acrRequested': return { acrRequested: v };
    case 'timeOfDayUtc': {
      const [from = '', to = ''] = v.split('-').map((s) => s.trim());
      return { timeOfDayUtc: { from, to } };
    }
    case 'attribute': {
      const at = v.indexOf('=');
      return { attribute: at < 0 ? { name: v, equals: '' } : { name: v.slice(0, at).trim(), equals: v.slice(at + 1).trim() } };
    }
  }
}

function actionOf(kind: ActionKind, step: string, option: string, message: string): unknown {
  switch (kind) {
    case 'requireStep': return { requireStep: number(step) };
    case 'skipStep': return { skipStep: number(step) };
    case 'addOption': return { addOption: { step: number(step), authenticator: option } };
    case 'deny': return { deny: message.trim() };
  }
}

const isKind = <K extends string>(kinds: Readonly<Record<K, string>>, value: string | null): value is K => value !== null && Object.hasOwn(kinds, value);

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The document the form describes: its steps and rules, with everything else taken from `base`
 * (the stored document the form was rendered from).
 */
export function documentFromForm(form: URLSearchParams, base: unknown): Record<string, unknown> {
  const steps: unknown[] = [];
  for (let i = 0; i < maxStepRows; i++) {
    const shown = form.get(`step.${i}.shown`);
    if (!shown || form.get(`step.${i}.remove`)) continue;
    const prefix = `step.${i}.option.`;
    const options = [...form.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    // The blank row offered for a new step is no step until an option is ticked.
    if (shown === 'new' && !options.length) continue;
    steps.push({ options, optional: form.get(`step.${i}.optional`) === 'on' });
  }
  const rules: unknown[] = [];
  for (let i = 0; i < maxRuleRows; i++) {
    if (!form.has(`rule.${i}.shown`) || form.get(`rule.${i}.remove`)) continue;
    const json = form.get(`rule.${i}.json`);
    if (json !== null) {
      rules.push(parsedJson(json));
      continue;
    }
    const when = form.get(`rule.${i}.when`);
    const then = form.get(`rule.${i}.then`);
    // A row whose condition is left unchosen is no rule (the blank row for a new one).
    if (!isKind(conditionKinds, when)) continue;
    const description = (form.get(`rule.${i}.description`) ?? '').trim();
    rules.push({
      ...(description ? { description } : {}),
      when: conditionOf(when, form.get(`rule.${i}.value`) ?? ''),
      then: isKind(actionKinds, then) ? actionOf(then, form.get(`rule.${i}.step`) ?? '', form.get(`rule.${i}.option`) ?? '', form.get(`rule.${i}.message`) ?? '') : {},
    });
  }
  return { ...(isObject(base) ? base : {}), steps, rules };
}

/** Every option the form offers for a step: the local authenticators, the tenant's providers, and any the document already names. */
export const offeredOptions = (providers: readonly string[], model: FormModel) =>
  [...new Set([...authenticatorIds, ...providers.map((id) => `federated:${id}`), ...model.steps.flatMap((s) => s.options), ...model.rules.flatMap((r) => (r.kind === 'simple' && r.option ? [r.option] : []))])];
