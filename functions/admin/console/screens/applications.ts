import { issuerOf } from '../../../../shared/domain/tenants/tenant.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import { consoleClientId, type ConsoleCaller } from '../console-auth.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { applicationsPage, applicationTypes, type ApplicationsView, type ApplicationType } from './applications-view.ts';

interface ApplicationItem {
  client_id: string;
  client_name: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  client_secret?: string;
  redirect_uris: string[];
}

const kindOf = (a: ApplicationItem) => (a.grant_types.includes('client_credentials') && !a.grant_types.includes('authorization_code') ? 'machine to machine' : a.token_endpoint_auth_method === 'none' ? 'public (PKCE)' : 'web (confidential)');

async function renderApplications(req: ConsoleRequest, caller: ConsoleCaller, extra: Omit<ApplicationsView, 'applications'> = {}): Promise<HttpResponse> {
  const list = await callOperation<{ items: ApplicationItem[] }>(req, caller, 'GET /t/{tenant}/api/v1/applications', { query: { limit: '100' } });
  return renderScreen(req, caller, 'applications', (frame) => applicationsPage(frame, { ...extra, applications: list.items.filter((a) => a.client_id !== consoleClientId).map((a) => ({ clientId: a.client_id, name: a.client_name, kind: kindOf(a) })) }));
}

/** The client metadata each kind of application needs (what a newcomer would otherwise have to know). */
function metadataFor(type: ApplicationType, name: string, redirectUri: string): Record<string, unknown> {
  const interactive = { redirect_uris: redirectUri ? [redirectUri] : [], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' };
  switch (type) {
    case 'web': return { client_name: name, ...interactive, token_endpoint_auth_method: 'client_secret_basic', first_party: true };
    case 'spa':
    case 'native': return { client_name: name, ...interactive, token_endpoint_auth_method: 'none', first_party: true };
    case 'm2m': return { client_name: name, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
  }
}

/** POST /t/{tenant}/console/applications: an OIDC application of the chosen kind; its secret is shown on this page only. */
const create = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const type = form.get('type') ?? '';
  if (!Object.hasOwn(applicationTypes, type)) return renderApplications(req, caller, { notice: { ok: false, text: 'Choose what kind of application it is.' } });
  const redirectUri = (form.get('redirect_uri') ?? '').trim();
  try {
    const created = await callOperation<ApplicationItem>(req, caller, 'POST /t/{tenant}/api/v1/applications', { body: metadataFor(type as ApplicationType, (form.get('name') ?? '').trim(), redirectUri) });
    return renderApplications(req, caller, {
      notice: { ok: true, text: `${created.client_name} was created.` },
      created: { clientId: created.client_id, ...(created.client_secret ? { secret: created.client_secret } : {}), issuer: issuerOf(req.deps.publicUrl, caller.tenant), ...(created.redirect_uris[0] ? { redirectUri: created.redirect_uris[0] } : {}) },
    });
  } catch (error) {
    return renderApplications(req, caller, { notice: refusalOf(error) });
  }
});

export const applicationRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/applications': withCaller((req, caller) => renderApplications(req, caller)),
  'POST /t/{tenant}/console/applications': create,
};
