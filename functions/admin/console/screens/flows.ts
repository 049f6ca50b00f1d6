import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { applicationsOf, flowStateOf, ownFlowOf, type StoredFlowItem } from './flows-data.ts';
import { renderEditor, saveFlow, showEditor, validateFlow } from './flows-editor.ts';
import { explainFlow, showExplain } from './flows-explain.ts';
import { rollbackFlow, showVersions } from './flows-versions.ts';
import { flowsListPage } from './flows-view.ts';

/** GET /t/{tenant}/console/flows: the default flow and each application's (its own, or the default it follows). */
async function renderFlows(req: ConsoleRequest, caller: ConsoleCaller, notice?: Notice): Promise<HttpResponse> {
  const [defaultFlow, applications] = await Promise.all([
    callOperation<StoredFlowItem>(req, caller, 'GET /t/{tenant}/api/v1/flows/{name}', { path: { name: 'default' } }),
    applicationsOf(req, caller),
  ]);
  const own = await Promise.all(applications.map((a) => ownFlowOf(req, caller, a.id)));
  return renderScreen(req, caller, 'flows', (frame) => flowsListPage(frame, {
    ...(notice ? { notice } : {}),
    defaultFlow: { version: defaultFlow.version, ...(defaultFlow.updatedAt ? { updatedAt: defaultFlow.updatedAt } : {}) },
    applications: applications.map((a, i) => {
      const flow = own[i];
      return { ...a, ...(flow ? { own: { version: flow.version, ...(flow.updatedAt ? { updatedAt: flow.updatedAt } : {}) } } : {}) };
    }),
  }));
}

/** POST /t/{tenant}/console/flows: an application's own flow, published as a copy of the default; then its editor. */
const createFlow = withCaller(async (req, caller) => {
  const name = ((await consoleForm(req, caller)).get('application') ?? '').trim();
  if (!name || name === 'default') return renderFlows(req, caller, { ok: false, text: 'Choose an application.' });
  try {
    if (await ownFlowOf(req, caller, name)) return renderFlows(req, caller, { ok: false, text: 'That application has its own flow already: edit it from the list.' });
    const defaultFlow = await callOperation<StoredFlowItem>(req, caller, 'GET /t/{tenant}/api/v1/flows/{name}', { path: { name: 'default' } });
    const created = await callOperation<StoredFlowItem>(req, caller, 'PUT /t/{tenant}/api/v1/flows/{name}', { path: { name }, body: defaultFlow.document });
    return renderEditor(req, caller, await flowStateOf(req, caller, name), { notice: { ok: true, text: `The application has its own flow (version ${created.version}), a copy of the default. Edit it here.` } });
  } catch (error) {
    return renderFlows(req, caller, refusalOf(error));
  }
});

export const flowRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/flows': withCaller((req, caller) => renderFlows(req, caller)),
  'POST /t/{tenant}/console/flows': createFlow,
  'GET /t/{tenant}/console/flows/{name}': showEditor,
  'POST /t/{tenant}/console/flows/{name}': saveFlow,
  'POST /t/{tenant}/console/flows/{name}/validate': validateFlow,
  'GET /t/{tenant}/console/flows/{name}/versions': showVersions,
  'POST /t/{tenant}/console/flows/{name}/rollback': rollbackFlow,
  'GET /t/{tenant}/console/flows/{name}/explain': showExplain,
  'POST /t/{tenant}/console/flows/{name}/explain': explainFlow,
};
