import { issuerOf } from '../../../../shared/domain/tenants/tenant.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import { consoleClientId } from '../../../../shared/domain/oauth/client.ts';
import type { ConsoleCaller } from '../console-auth.ts';
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

interface ServiceProviderItem {
  id: string;
  entityId: string;
  name: string;
  assertionConsumerServices: Array<{ url: string; isDefault: boolean }>;
  encryptAssertion: boolean;
  metadataUrl: string;
}

/** OIDC applications and SAML service providers in one list (the console's own client left out). */
export async function renderApplications(req: ConsoleRequest, caller: ConsoleCaller, extra: Omit<ApplicationsView, 'applications'> = {}): Promise<HttpResponse> {
  const [clients, sps] = await Promise.all([
    callOperation<{ items: ApplicationItem[] }>(req, caller, 'GET /t/{tenant}/api/v1/applications', { query: { limit: '100' } }),
    callOperation<{ items: ServiceProviderItem[] }>(req, caller, 'GET /t/{tenant}/api/v1/saml-service-providers', { query: { limit: '100' } }),
  ]);
  const applications = [
    ...clients.items.filter((a) => a.client_id !== consoleClientId).map((a) => ({ id: a.client_id, name: a.client_name, kind: kindOf(a), path: `/applications/${encodeURIComponent(a.client_id)}` })),
    ...sps.items.map((sp) => ({ id: sp.entityId, name: sp.name, kind: 'SAML service provider', path: `/service-providers/${encodeURIComponent(sp.id)}` })),
  ];
  return renderScreen(req, caller, 'applications', (frame) => applicationsPage(frame, { ...extra, applications }));
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

const maxMetadataLength = 200_000;

/** POST /t/{tenant}/console/applications/saml: a SAML service provider from its pasted metadata (the API's metadata import). */
const registerServiceProvider = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const name = (form.get('name') ?? '').trim();
  const xml = (form.get('metadata') ?? '').trim();
  const draft = { name: name.slice(0, 128), xml: xml.slice(0, maxMetadataLength) };
  if (!xml) return renderApplications(req, caller, { notice: { ok: false, text: 'Paste the service provider’s metadata.' }, metadataDraft: draft });
  if (xml.length > maxMetadataLength) return renderApplications(req, caller, { notice: { ok: false, text: 'That metadata is too long (200,000 characters at most).' }, metadataDraft: { name: draft.name, xml: '' } });
  try {
    const sp = await callOperation<ServiceProviderItem>(req, caller, 'POST /t/{tenant}/api/v1/saml-service-providers', { xml, query: name ? { name } : {} });
    const acs = sp.assertionConsumerServices.find((a) => a.isDefault) ?? sp.assertionConsumerServices[0]!;
    return renderApplications(req, caller, {
      notice: { ok: true, text: `${sp.name} was registered.` },
      registered: { name: sp.name, entityId: sp.entityId, acsUrl: acs.url, issuer: issuerOf(req.deps.publicUrl, caller.tenant), metadataUrl: sp.metadataUrl, encrypted: sp.encryptAssertion },
    });
  } catch (error) {
    return renderApplications(req, caller, { notice: refusalOf(error), metadataDraft: draft });
  }
});

export const applicationRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/applications': withCaller((req, caller) => renderApplications(req, caller)),
  'POST /t/{tenant}/console/applications': create,
  'POST /t/{tenant}/console/applications/saml': registerServiceProvider,
};
