import { isDeepStrictEqual } from 'node:util';
import type { TenantSettings } from '../../../../shared/domain/tenants/settings.ts';
import { badRequest, HttpError } from '../../../../shared/http/errors.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { ConsoleFrame, ConsoleSection, Notice } from '../console-layout.ts';
import { callVersionedOperation, consoleForm, formVersion, refusalOf, renderScreen, withCaller, type ConsoleRequest } from '../console-screen.ts';

/**
 * What the branding, policies and settings screens share: each shows part of the tenant's
 * settings as a form and saves it through the admin API's PATCH, conditional on the version
 * the form showed, so a form left open while someone else saved is refused, not applied.
 */

/** A form's fields as it shows and sends them: strings by name (a ticked box is present). */
export type Fields = Readonly<Record<string, string>>;

/** The settings sections a screen wants, whole; only those that differ from the current ones are sent. */
export type DesiredSettings = { readonly [K in keyof TenantSettings]?: TenantSettings[K] };

export interface SettingsFormView {
  readonly fields: Fields;
  /** The version of the settings the form was filled from (sent back as If-Match). */
  readonly version: number;
  readonly settings: TenantSettings;
  readonly notice?: Notice;
}

export interface SettingsScreen {
  readonly section: ConsoleSection;
  fieldsOf(settings: TenantSettings): Fields;
  /** The sections the submitted form asks for; a value that is not even of the right kind is refused here (the API checks the rest). */
  desiredOf(form: URLSearchParams, current: TenantSettings): DesiredSettings;
  page(frame: ConsoleFrame, view: SettingsFormView): string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The change that turns `current` into `desired`: the sections that differ, a field they no longer have removed with null. */
export function settingsPatchOf(current: TenantSettings, desired: DesiredSettings): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, want] of Object.entries(desired)) {
    const have: unknown = current[key as keyof TenantSettings];
    if (want === undefined || isDeepStrictEqual(want, have)) continue;
    patch[key] = isObject(want) && isObject(have) ? { ...Object.fromEntries(Object.keys(have).filter((k) => !(k in want)).map((k) => [k, null])), ...want } : want;
  }
  return patch;
}

/** A whole number from a field, or a refusal naming the field. */
export function wholeNumber(form: URLSearchParams, name: string, label: string): number {
  const value = (form.get(name) ?? '').trim();
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${label} must be a whole number.`);
  return Number(value);
}

export const ticked = (form: URLSearchParams, name: string) => form.has(name);

/** Trimmed text; empty when absent. */
export const textOf = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();

/** The non-empty lines of a text area, trimmed. */
export const linesOf = (form: URLSearchParams, name: string) => (form.get(name) ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Durations as people think of them; seconds only for a value set through the API that is not whole minutes. */
export const durationUnits = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
export type DurationUnit = keyof typeof durationUnits;

/** A number of seconds in the largest unit that holds it whole (minutes at least, unless it is not whole minutes). */
export function durationFields(name: string, seconds: number): Record<string, string> {
  const unit = (['days', 'hours', 'minutes', 'seconds'] as const).find((u) => seconds % durationUnits[u] === 0) ?? 'seconds';
  return { [name]: String(seconds / durationUnits[unit]), [`${name}_unit`]: unit };
}

/** Seconds from a duration's number and unit fields. */
export function durationOf(form: URLSearchParams, name: string, label: string): number {
  const unit = form.get(`${name}_unit`) ?? '';
  if (!Object.hasOwn(durationUnits, unit)) throw badRequest(`Choose the unit of ${label.toLowerCase()}.`);
  return wholeNumber(form, name, label) * durationUnits[unit as DurationUnit];
}

async function currentSettings(req: ConsoleRequest, caller: ConsoleCaller) {
  const { body, version } = await callVersionedOperation<TenantSettings>(req, caller, 'GET /t/{tenant}/api/v1/settings');
  return { settings: body, version: version ?? 0 };
}

/** The screen with its frame reflecting these settings (the navigation shows the tenant's name and colour as just saved). */
const render = (req: ConsoleRequest, caller: ConsoleCaller, screen: SettingsScreen, view: SettingsFormView): Promise<HttpResponse> =>
  renderScreen(req, { ...caller, tenant: { ...caller.tenant, settings: view.settings } }, screen.section, (frame) => screen.page(frame, view));

/** GET: the form filled from the current settings. */
export const showSettings = (screen: SettingsScreen) => withCaller(async (req, caller) => {
  const { settings, version } = await currentSettings(req, caller);
  return render(req, caller, screen, { fields: screen.fieldsOf(settings), version, settings });
});

/**
 * POST: the form (CSRF checked) saved as one PATCH at the version it showed. A refusal shows the
 * API's reason beside what was typed; a form that is out of date shows the current settings.
 */
export const saveSettings = (screen: SettingsScreen) => withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const { settings, version } = await currentSettings(req, caller);
  const shown = formVersion(form);
  const typed = { fields: Object.fromEntries(form), version: shown ?? version, settings };
  if (shown === undefined) return render(req, caller, screen, { fields: screen.fieldsOf(settings), version, settings, notice: { ok: false, text: 'The form is out of date: reload the page and make your change again.' } });
  try {
    const patch = settingsPatchOf(settings, screen.desiredOf(form, settings));
    if (!Object.keys(patch).length) return render(req, caller, screen, { ...typed, notice: { ok: true, text: 'Nothing changed.' } });
    const saved = await callVersionedOperation<TenantSettings>(req, caller, 'PATCH /t/{tenant}/api/v1/settings', { body: patch, ifMatch: shown });
    return render(req, caller, screen, { fields: screen.fieldsOf(saved.body), version: saved.version ?? version + 1, settings: saved.body, notice: { ok: true, text: 'Saved. The change applies everywhere within 30 seconds.' } });
  } catch (error) {
    if (error instanceof HttpError && error.status === 412) return render(req, caller, screen, { fields: screen.fieldsOf(settings), version, settings, notice: { ok: false, text: 'Someone else changed these settings meanwhile: here they are now. Make your change again.' } });
    return render(req, caller, screen, { ...typed, notice: refusalOf(error) });
  }
});
