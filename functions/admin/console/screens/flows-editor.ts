import { HttpError } from '../../../../shared/http/errors.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import { json } from '../../../../shared/http/responses.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest } from '../console-screen.ts';
import { flowNameOf, flowStateOf, maxDocumentBytes, nestsDeeperThan, prettyJson, type FlowState, type StoredFlowItem } from './flows-data.ts';
import { editorPage } from './flows-editor-view.ts';
import { documentFromForm, formModelOf } from './flows-form.ts';
import type { Problem } from './flows-view.ts';

interface Draft {
  readonly document?: unknown;
  readonly jsonText?: string;
  readonly problems?: readonly Problem[];
  readonly notice?: Notice;
}

/** The editor of a flow; a draft (what was just refused) is shown instead of the stored document. */
export async function renderEditor(req: ConsoleRequest, caller: ConsoleCaller, state: FlowState, draft: Draft = {}): Promise<HttpResponse> {
  const [providers, groups, schema] = await Promise.all([
    callOperation<{ items: Array<{ id: string }> }>(req, caller, 'GET /t/{tenant}/api/v1/identity-providers', { query: { limit: '200' } }),
    callOperation<{ items: Array<{ name: string }> }>(req, caller, 'GET /t/{tenant}/api/v1/groups', { query: { limit: '200' } }),
    callOperation(req, caller, 'GET /t/{tenant}/api/v1/flows/schema'),
  ]);
  // A draft too deep to show (the API refused it for that) gives way to the stored document.
  const document = 'document' in draft && !nestsDeeperThan(draft.document, 32) ? draft.document : state.effective.document;
  return renderScreen(req, caller, 'flows', (frame) => editorPage(frame, {
    state,
    model: formModelOf(document),
    jsonText: draft.jsonText ?? prettyJson(document),
    providers: providers.items.map((p) => p.id),
    groups: groups.items.map((g) => g.name),
    schema: prettyJson(schema),
    ...(draft.problems ? { problems: draft.problems } : {}),
    ...(draft.notice ? { notice: draft.notice } : {}),
  }));
}

const tooLarge: Problem = { path: '(document)', message: `The document is larger than ${maxDocumentBytes / 1024} KiB.` };

/** The JSON text as a value, or its syntax error as a problem. */
function parsed(text: string): { value: unknown } | { problem: Problem } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: { path: '(document)', message: `not valid JSON: ${(error as Error).message}` } };
  }
}

/** The API's validation problems of a refusal (each with its path), or none when it was not a validation refusal. */
const problemsOf = (error: unknown): Problem[] => {
  if (!(error instanceof HttpError) || error.status !== 400) return [];
  const errors = error.details.errors;
  return Array.isArray(errors) ? (errors as Problem[]).slice(0, 20).map((e) => ({ path: String(e.path), message: String(e.message) })) : [{ path: '(document)', message: error.message }];
};

/**
 * The admin API's own check of a flow document (the one its PUT makes), without publishing.
 * Answers the problems, none when the document is valid.
 */
async function validationProblems(req: ConsoleRequest, caller: ConsoleCaller, name: string, document: unknown): Promise<Problem[]> {
  try {
    await callOperation(req, caller, 'POST /t/{tenant}/api/v1/flows/{name}/validate', { path: { name }, body: document });
    return [];
  } catch (error) {
    const problems = problemsOf(error);
    if (problems.length) return problems;
    throw error;
  }
}

/** GET /t/{tenant}/console/flows/{name}: the editor. */
export const showEditor = withCaller(async (req, caller) => renderEditor(req, caller, await flowStateOf(req, caller, flowNameOf(req))));

/**
 * POST /t/{tenant}/console/flows/{name}: saves the form view's or the JSON view's document as the
 * flow's next version (the API's PUT). A refusal shows the API's message and the problems' paths,
 * and keeps the draft on the page; nothing is saved.
 */
export const saveFlow = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const state = await flowStateOf(req, caller, flowNameOf(req));
  let document: unknown;
  let jsonText: string | undefined;
  if (form.get('view') === 'form') {
    document = documentFromForm(form, state.effective.document);
  } else {
    jsonText = form.get('document') ?? '';
    if (Buffer.byteLength(jsonText) > maxDocumentBytes) return renderEditor(req, caller, state, { notice: { ok: false, text: tooLarge.message }, problems: [tooLarge] });
    const json = parsed(jsonText);
    if ('problem' in json) return renderEditor(req, caller, state, { jsonText, notice: { ok: false, text: `The document is ${json.problem.message}` }, problems: [json.problem] });
    document = json.value;
  }
  const draft = { document, ...(jsonText !== undefined ? { jsonText } : {}) };
  if (form.get('version') !== String(state.own?.version ?? 0)) {
    return renderEditor(req, caller, state, { ...draft, notice: { ok: false, text: 'Someone published this flow since you opened it. Your changes are below; compare them with the latest version before saving again.' } });
  }
  // Checked first: the check reads nesting depth before the schema, so a hostile draft is refused, never overflowed.
  const problems = await validationProblems(req, caller, state.name, document);
  if (problems.length) return renderEditor(req, caller, state, { ...draft, problems, notice: { ok: false, text: `The flow document is invalid: ${problems[0]!.path}: ${problems[0]!.message}` } });
  try {
    const saved = await callOperation<StoredFlowItem>(req, caller, 'PUT /t/{tenant}/api/v1/flows/{name}', { path: { name: state.name }, body: document });
    return renderEditor(req, caller, await flowStateOf(req, caller, state.name), { notice: { ok: true, text: `Version ${saved.version} is published; sign-ins follow it within 30 seconds.` } });
  } catch (error) {
    return renderEditor(req, caller, state, { ...draft, problems: problemsOf(error), notice: refusalOf(error) });
  }
});

const jsonAnswer = (status: number, body: unknown) => json(status, body, { 'cache-control': 'no-store' });

/**
 * POST /t/{tenant}/console/flows/{name}/validate (the JSON view's live check): a form with the
 * CSRF token and the document's text; answers `{ valid: true }` or `{ valid: false, errors }`.
 */
export const validateFlow = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const text = form.get('document') ?? '';
  if (Buffer.byteLength(text) > maxDocumentBytes) return jsonAnswer(413, { valid: false, errors: [tooLarge] });
  const json = parsed(text);
  const problems = 'problem' in json ? [json.problem] : await validationProblems(req, caller, flowNameOf(req), json.value);
  return jsonAnswer(200, problems.length ? { valid: false, errors: problems } : { valid: true });
});
