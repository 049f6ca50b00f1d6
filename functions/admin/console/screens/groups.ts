import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { groupsPage, type GroupDraft } from './groups-view.ts';
import type { GroupRecord } from './user-record.ts';

/** The permissions as typed (comma-separated or one a line); the API says which it does not know. */
export const permissionsOf = (typed: string) => [...new Set(typed.split(/[\s,]+/).filter(Boolean))];

export const draftOf = (form: URLSearchParams): GroupDraft => ({ name: (form.get('name') ?? '').slice(0, 100), description: (form.get('description') ?? '').slice(0, 500), permissions: (form.get('permissions') ?? '').slice(0, 1000) });

/** The group's fields as the API takes them (an empty description clears it). */
export const groupBodyOf = (form: URLSearchParams) => ({ name: form.get('name') ?? '', description: (form.get('description') ?? '').trim(), permissions: permissionsOf(form.get('permissions') ?? '') });

export async function renderGroups(req: ConsoleRequest, caller: ConsoleCaller, extra: { notice?: Notice; draft?: GroupDraft } = {}): Promise<HttpResponse> {
  const { items } = await callOperation<{ items: GroupRecord[] }>(req, caller, 'GET /t/{tenant}/api/v1/groups', { query: { limit: '200' } });
  return renderScreen(req, caller, 'groups', (frame) => groupsPage(frame, { ...extra, groups: items }));
}

/** POST /t/{tenant}/console/groups: a new group; what was typed stays in the form when the API refuses it. */
const create = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  try {
    const group = await callOperation<GroupRecord>(req, caller, 'POST /t/{tenant}/api/v1/groups', { body: groupBodyOf(form) });
    return renderGroups(req, caller, { notice: { ok: true, text: `The group ${group.name} was created.` } });
  } catch (error) {
    return renderGroups(req, caller, { notice: refusalOf(error), draft: draftOf(form) });
  }
});

export const groupRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/groups': withCaller((req, caller) => renderGroups(req, caller)),
  'POST /t/{tenant}/console/groups': create,
};
