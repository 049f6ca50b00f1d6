import type { ConsentPurposeInput } from '../../../../shared/domain/consent/consent-purpose.ts';
import { HttpError } from '../../../../shared/http/errors.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { callOperation, callVersionedOperation, consoleForm, formVersion, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { consentPurposesPage, type ConsentPurposesView, type PurposeItem } from './consent-purposes-view.ts';

type Fields = Readonly<Record<string, string>>;

const fieldsOf = (p: PurposeItem): Fields => ({ name: p.name, description: p.description, claims: p.claims.join(', '), legal_basis: p.legalBasis, ...(p.mandatory ? { mandatory: 'on' } : {}) });

/** The API's input from the form; the API validates it (names, claim syntax, legal basis). */
const inputOf = (form: URLSearchParams): Record<keyof ConsentPurposeInput, unknown> => ({
  name: form.get('name') ?? '',
  description: form.get('description') ?? '',
  claims: (form.get('claims') ?? '').split(/[\s,]+/).filter(Boolean),
  legalBasis: form.get('legal_basis') ?? '',
  mandatory: form.has('mandatory'),
});

async function render(req: ConsoleRequest, caller: ConsoleCaller, extra: Omit<ConsentPurposesView, 'purposes'> = {}): Promise<HttpResponse> {
  const cursor = req.query.get('cursor');
  const list = await callOperation<{ items: PurposeItem[]; next_cursor?: string }>(req, caller, 'GET /t/{tenant}/api/v1/consent-purposes', { query: { limit: '100', ...(cursor ? { cursor } : {}) } });
  return renderScreen(req, caller, 'consent', (frame) => consentPurposesPage(frame, { ...extra, purposes: list.items, ...(list.next_cursor ? { next: list.next_cursor } : {}) }));
}

const purposeOf = (req: ConsoleRequest, caller: ConsoleCaller, purposeId: string) =>
  callVersionedOperation<PurposeItem>(req, caller, 'GET /t/{tenant}/api/v1/consent-purposes/{purposeId}', { path: { purposeId } });

const editing = (purpose: { body: PurposeItem; version?: number }) => ({ id: purpose.body.id, version: purpose.version ?? purpose.body.version, name: purpose.body.name, fields: fieldsOf(purpose.body) });

/** GET /t/{tenant}/console/consent[?edit={purposeId}]: the purposes, and one of them in a form to change or remove. */
const show = withCaller(async (req, caller) => {
  const edit = req.query.get('edit');
  if (edit === null) return render(req, caller);
  try {
    return render(req, caller, { edit: editing(await purposeOf(req, caller, edit.slice(0, 64))) });
  } catch (error) {
    return render(req, caller, { notice: refusalOf(error) });
  }
});


/** POST /t/{tenant}/console/consent: create, change (at the version the form showed) or remove a purpose, through the API's operations. */
const change = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const intent = form.get('intent');
  if (intent === 'create') {
    try {
      const created = await callOperation<PurposeItem>(req, caller, 'POST /t/{tenant}/api/v1/consent-purposes', { body: inputOf(form) });
      return render(req, caller, { notice: { ok: true, text: `The purpose “${created.name}” was created.` } });
    } catch (error) {
      return render(req, caller, { notice: refusalOf(error), create: Object.fromEntries(form) });
    }
  }
  if (intent !== 'update' && intent !== 'remove') return render(req, caller, { notice: { ok: false, text: 'Choose what to do with the purpose.' } });
  const purposeId = (form.get('id') ?? '').slice(0, 64);
  const version = formVersion(form);
  if (version === undefined) return render(req, caller, { notice: { ok: false, text: 'The form is out of date: reload the page and try again.' } });
  try {
    if (intent === 'remove') {
      const name = (await purposeOf(req, caller, purposeId)).body.name;
      await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/consent-purposes/{purposeId}', { path: { purposeId }, ifMatch: version });
      return render(req, caller, { notice: { ok: true, text: `The purpose “${name}” was removed.` } });
    }
    const changed = await callOperation<PurposeItem>(req, caller, 'PUT /t/{tenant}/api/v1/consent-purposes/{purposeId}', { path: { purposeId }, body: inputOf(form), ifMatch: version });
    return render(req, caller, { notice: { ok: true, text: `The purpose “${changed.name}” was changed (now version ${changed.version}): users who accepted an earlier version are asked again.` } });
  } catch (error) {
    const notice = refusalOf(error);
    if (error instanceof HttpError && error.status === 404) return render(req, caller, { notice });
    // Changed meanwhile: the purpose as it is now. Refused: what was typed, to correct.
    const current = await purposeOf(req, caller, purposeId).catch(() => undefined);
    if (!current) return render(req, caller, { notice });
    const stale = error instanceof HttpError && error.status === 412;
    return render(req, caller, {
      notice: stale ? { ok: false, text: 'Someone else changed this purpose meanwhile: here it is now. Make your change again.' } : notice,
      edit: stale || intent === 'remove' ? editing(current) : { ...editing(current), version, fields: Object.fromEntries(form) },
    });
  }
});

export const consentPurposeRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/consent': show,
  'POST /t/{tenant}/console/consent': change,
};
