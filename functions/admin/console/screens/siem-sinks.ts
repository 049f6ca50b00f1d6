import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import type { Notice } from '../console-layout.ts';
import { siemPage, sinkKinds, type SiemView, type SinkDraft, type SinkItem, type SinkKind } from './siem-sinks-view.ts';

type SinkWithSecret = SinkItem & { secret?: string };

const listLimit = 200;

async function renderSiem(req: ConsoleRequest, caller: ConsoleCaller, extra: Omit<SiemView, 'sinks'> = {}, statusCode = 200): Promise<HttpResponse> {
  const list = await callOperation<{ items: SinkItem[]; next_cursor?: string }>(req, caller, 'GET /t/{tenant}/api/v1/siem-sinks', { query: { limit: String(listLimit) } });
  const response = await renderScreen(req, caller, 'siem', (frame) => siemPage(frame, { ...extra, sinks: list.items, ...(list.next_cursor ? { more: true } : {}) }));
  return { ...response, statusCode };
}

/** The sink a form or link names, through the API (so another tenant's id is simply not found). */
const sinkNamed = (req: ConsoleRequest, caller: ConsoleCaller, id: string) =>
  callOperation<SinkItem>(req, caller, 'GET /t/{tenant}/api/v1/siem-sinks/{sinkId}', { path: { sinkId: id.slice(0, 100) } });

const draftOf = (sink: SinkItem): SinkDraft => ({ id: sink.id, name: sink.name, kind: sink.kind, url: sink.url, eventTypes: sink.eventTypes.join(', '), enabled: sink.enabled });

/** GET /t/{tenant}/console/siem[?edit=id | ?delete=id | ?secret=id]: the sinks; a sink's edit form or a confirmation. */
const siem = withCaller(async (req, caller) => {
  const [param, id] = (['edit', 'delete', 'secret'] as const).map((p) => [p, req.query.get(p)] as const).find(([, v]) => v !== null) ?? [];
  if (!param || id == null) return renderSiem(req, caller);
  let sink: SinkItem;
  try {
    sink = await sinkNamed(req, caller, id);
  } catch (error) {
    return renderSiem(req, caller, { notice: refusalOf(error) }, 404);
  }
  if (param === 'edit') return renderSiem(req, caller, { draft: draftOf(sink) });
  if (param === 'secret' && sink.kind !== 'webhook') return renderSiem(req, caller, { notice: { ok: false, text: 'Only webhook sinks have a signing secret; edit a Splunk sink to replace its token.' } });
  return renderSiem(req, caller, { confirm: { action: param, sink } });
});

/** The form's fields as the API's sink body (the API validates every one of them). */
function inputOf(form: URLSearchParams) {
  const kind = form.get('kind') ?? '';
  const token = form.get('token') ?? '';
  return {
    name: (form.get('name') ?? '').trim(),
    kind,
    url: (form.get('url') ?? '').trim(),
    ...(token ? { token } : {}),
    eventTypes: (form.get('eventTypes') ?? '').split(/[\s,]+/).filter(Boolean),
    enabled: form.get('enabled') === 'on',
  };
}

const draftFrom = (form: URLSearchParams, id?: string): SinkDraft => ({
  ...(id !== undefined ? { id } : {}),
  name: (form.get('name') ?? '').slice(0, 128),
  kind: Object.hasOwn(sinkKinds, form.get('kind') ?? '') ? (form.get('kind') as SinkKind) : 'webhook',
  url: (form.get('url') ?? '').slice(0, 2048),
  eventTypes: (form.get('eventTypes') ?? '').slice(0, 5000),
  enabled: form.get('enabled') === 'on',
});

const kindRefusal: Notice = { ok: false, text: 'Choose the kind of sink: a webhook or a Splunk HTTP Event Collector.' };

/** POST /t/{tenant}/console/siem: a new sink; a webhook's secret is shown on this page only. */
const create = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  if (!Object.hasOwn(sinkKinds, form.get('kind') ?? '')) return renderSiem(req, caller, { notice: kindRefusal, draft: draftFrom(form) });
  try {
    const sink = await callOperation<SinkWithSecret>(req, caller, 'POST /t/{tenant}/api/v1/siem-sinks', { body: inputOf(form) });
    return renderSiem(req, caller, { notice: { ok: true, text: `The sink ${sink.name} was added.` }, ...(sink.secret ? { secret: { sink: sink.name, value: sink.secret } } : {}) });
  } catch (error) {
    return renderSiem(req, caller, { notice: refusalOf(error), draft: draftFrom(form) });
  }
});

/** POST /t/{tenant}/console/siem/update: a sink's settings replaced (a sink that becomes a webhook gets a secret, shown once). */
const update = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const id = (form.get('sink') ?? '').slice(0, 100);
  if (!Object.hasOwn(sinkKinds, form.get('kind') ?? '')) return renderSiem(req, caller, { notice: kindRefusal, draft: draftFrom(form, id) });
  try {
    const sink = await callOperation<SinkWithSecret>(req, caller, 'PUT /t/{tenant}/api/v1/siem-sinks/{sinkId}', { path: { sinkId: id }, body: inputOf(form) });
    return renderSiem(req, caller, { notice: { ok: true, text: `The sink ${sink.name} was saved.` }, ...(sink.secret ? { secret: { sink: sink.name, value: sink.secret } } : {}) });
  } catch (error) {
    return renderSiem(req, caller, { notice: refusalOf(error), draft: draftFrom(form, id) });
  }
});

/**
 * A confirmed change to one sink (CSRF token): without the confirmation's own field it is a
 * first click, answered with the confirmation and nothing changed.
 */
const confirmed = (action: 'delete' | 'secret', change: (req: ConsoleRequest, caller: ConsoleCaller, sink: SinkItem) => Promise<Omit<SiemView, 'sinks'>>) =>
  withCaller(async (req, caller) => {
    const form = await consoleForm(req, caller);
    let sink: SinkItem;
    try {
      sink = await sinkNamed(req, caller, form.get('sink') ?? '');
    } catch (error) {
      return renderSiem(req, caller, { notice: refusalOf(error) });
    }
    if (form.get('confirm') !== 'yes') return renderSiem(req, caller, { confirm: { action, sink } });
    try {
      return renderSiem(req, caller, await change(req, caller, sink));
    } catch (error) {
      return renderSiem(req, caller, { notice: refusalOf(error) });
    }
  });

/** POST /t/{tenant}/console/siem/delete */
const remove = confirmed('delete', async (req, caller, sink) => {
  await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/siem-sinks/{sinkId}', { path: { sinkId: sink.id } });
  return { notice: { ok: true, text: `The sink ${sink.name} was deleted.` } };
});

/** POST /t/{tenant}/console/siem/secret: a webhook's new signing secret, shown once. */
const newSecret = confirmed('secret', async (req, caller, sink) => {
  const rotated = await callOperation<SinkWithSecret>(req, caller, 'POST /t/{tenant}/api/v1/siem-sinks/{sinkId}/secret', { path: { sinkId: sink.id } });
  return { notice: { ok: true, text: `${sink.name} has a new signing secret; the old one no longer works.` }, ...(rotated.secret ? { secret: { sink: sink.name, value: rotated.secret } } : {}) };
});

/** POST /t/{tenant}/console/siem/test: the API's test delivery, and what the sink answered, how fast. */
const sendTest = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const id = (form.get('sink') ?? '').slice(0, 100);
  let result: { delivered: boolean; status?: number; reason?: string; eventId: string };
  let sink: SinkItem;
  let latencyMs: number;
  try {
    sink = await sinkNamed(req, caller, id);
    const started = performance.now();
    result = await callOperation(req, caller, 'POST /t/{tenant}/api/v1/siem-sinks/{sinkId}/test', { path: { sinkId: id } });
    latencyMs = Math.round(performance.now() - started);
  } catch (error) {
    return renderSiem(req, caller, { notice: refusalOf(error) });
  }
  const test = { sink: sink.name, ...result, latencyMs };
  const notice: Notice = result.delivered
    ? { ok: true, text: `The test event reached ${sink.name}${result.status !== undefined ? ` (HTTP ${result.status})` : ''}.` }
    : { ok: false, text: `The test event did not reach ${sink.name}: ${result.reason ?? 'no answer'}.` };
  return renderSiem(req, caller, { notice, test });
});

export const siemRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/siem': siem,
  'POST /t/{tenant}/console/siem': create,
  'POST /t/{tenant}/console/siem/update': update,
  'POST /t/{tenant}/console/siem/delete': remove,
  'POST /t/{tenant}/console/siem/secret': newSecret,
  'POST /t/{tenant}/console/siem/test': sendTest,
};
