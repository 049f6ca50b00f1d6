import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, consoleForm, formVersion, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { applicationDetailPage, serviceProviderPage, type ApplicationDetailView, type ApplicationRecord, type ServiceProviderRecord } from './application-detail-view.ts';
import { renderApplications } from './applications.ts';

/** One application's page: its settings (saved as the API's replace), a new secret, deletion with its name typed. */

const clientIdOf = (req: ConsoleRequest) => ({ clientId: req.pathParameters.clientId ?? '' });
const spIdOf = (req: ConsoleRequest) => ({ spId: req.pathParameters.spId ?? '' });
const readApplication = (req: ConsoleRequest, caller: ConsoleCaller) => callOperation<ApplicationRecord>(req, caller, 'GET /t/{tenant}/api/v1/applications/{clientId}', { path: clientIdOf(req) });

async function renderApplication(req: ConsoleRequest, caller: ConsoleCaller, extra: Omit<ApplicationDetailView, 'application'> = {}): Promise<HttpResponse> {
  const application = await readApplication(req, caller);
  return renderScreen(req, caller, 'applications', (frame) => applicationDetailPage(frame, { application, ...extra }));
}

const outOfDate: Notice = { ok: false, text: 'This page is out of date: it was reloaded, check and try again.' };

const lines = (value: string | null) => (value ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** The application's metadata with the form's fields: the API replaces the whole, so nothing the form does not show is lost. */
function metadataFrom(current: ApplicationRecord & { jwks?: unknown; response_types?: string[] }, form: URLSearchParams): Record<string, unknown> {
  const backchannel = (form.get('backchannel_logout_uri') ?? '').trim();
  return {
    client_name: (form.get('client_name') ?? '').trim(),
    redirect_uris: lines(form.get('redirect_uris')),
    post_logout_redirect_uris: lines(form.get('post_logout_redirect_uris')),
    grant_types: form.getAll('grant_types'),
    response_types: current.response_types ?? ['code'],
    token_endpoint_auth_method: current.token_endpoint_auth_method,
    ...(current.jwks ? { jwks: current.jwks } : {}),
    scope: (form.get('scope') ?? '').trim().split(/\s+/).filter(Boolean).join(' '),
    id_token_signed_response_alg: form.get('id_token_signed_response_alg') ?? current.id_token_signed_response_alg,
    require_pushed_authorization_requests: form.get('require_pushed_authorization_requests') === 'true',
    first_party: form.get('first_party') === 'true',
    ...(backchannel ? { backchannel_logout_uri: backchannel } : {}),
  };
}

const saveSettings = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const current = await readApplication(req, caller);
  const ifMatch = formVersion(form);
  if (ifMatch === undefined) return renderApplication(req, caller, { notice: outOfDate });
  try {
    await callOperation(req, caller, 'PUT /t/{tenant}/api/v1/applications/{clientId}', { path: clientIdOf(req), body: metadataFrom(current, form), ifMatch });
    return renderApplication(req, caller, { notice: { ok: true, text: 'Saved.' } });
  } catch (error) {
    return renderApplication(req, caller, { notice: refusalOf(error) });
  }
});

const newSecret = withCaller(async (req, caller) => {
  const ifMatch = formVersion(await consoleForm(req, caller));
  if (ifMatch === undefined) return renderApplication(req, caller, { notice: outOfDate });
  try {
    const rotated = await callOperation<ApplicationRecord>(req, caller, 'POST /t/{tenant}/api/v1/applications/{clientId}/secret', { path: clientIdOf(req), ifMatch });
    return renderApplication(req, caller, { notice: { ok: true, text: 'A new secret was issued; the old one no longer works.' }, ...(rotated.client_secret ? { secret: rotated.client_secret } : {}) });
  } catch (error) {
    return renderApplication(req, caller, { notice: refusalOf(error) });
  }
});

const deleteApplication = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const current = await readApplication(req, caller);
  if ((form.get('confirm') ?? '').trim() !== current.client_name) return renderApplication(req, caller, { confirmDelete: true, notice: { ok: false, text: 'The name does not match; nothing was deleted.' } });
  try {
    await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/applications/{clientId}', { path: clientIdOf(req), ifMatch: formVersion(form) ?? -1 });
    return renderApplications(req, caller, { notice: { ok: true, text: `${current.client_name} was deleted.` } });
  } catch (error) {
    return renderApplication(req, caller, { confirmDelete: true, notice: refusalOf(error) });
  }
});

const readServiceProvider = (req: ConsoleRequest, caller: ConsoleCaller) => callOperation<ServiceProviderRecord>(req, caller, 'GET /t/{tenant}/api/v1/saml-service-providers/{spId}', { path: spIdOf(req) });

const deleteServiceProvider = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const sp = await readServiceProvider(req, caller);
  const again = (notice: Notice) => renderScreen(req, caller, 'applications', (frame) => serviceProviderPage(frame, sp, { notice, confirmDelete: true }));
  if ((form.get('confirm') ?? '').trim() !== sp.entityId) return again({ ok: false, text: 'The entity ID does not match; nothing was deleted.' });
  try {
    await callOperation(req, caller, 'DELETE /t/{tenant}/api/v1/saml-service-providers/{spId}', { path: spIdOf(req), ifMatch: formVersion(form) ?? -1 });
    return renderApplications(req, caller, { notice: { ok: true, text: `${sp.name} was deleted.` } });
  } catch (error) {
    return again(refusalOf(error));
  }
});

export const applicationDetailRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/applications/{clientId}': withCaller((req, caller) => renderApplication(req, caller, { confirmDelete: req.query.get('delete') === '1' })),
  'POST /t/{tenant}/console/applications/{clientId}/settings': saveSettings,
  'POST /t/{tenant}/console/applications/{clientId}/secret': newSecret,
  'POST /t/{tenant}/console/applications/{clientId}/delete': deleteApplication,
  'GET /t/{tenant}/console/service-providers/{spId}': withCaller(async (req, caller) => {
    const sp = await readServiceProvider(req, caller);
    return renderScreen(req, caller, 'applications', (frame) => serviceProviderPage(frame, sp, { confirmDelete: req.query.get('delete') === '1' }));
  }),
  'POST /t/{tenant}/console/service-providers/{spId}/delete': deleteServiceProvider,
};
