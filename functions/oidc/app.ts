import type { HttpResponse } from '../../shared/http/request.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import type { OidcDeps } from './deps.ts';
import { authorizeEndpoint, resumeAuthorization } from './authorize/authorize-endpoint.ts';
import { showConsent, submitConsent } from './consent/consent-page.ts';
import { getConfiguration } from './discovery/get-configuration.ts';
import { getJwks } from './jwks/get-jwks.ts';
import { renderOidcError } from './oauth-errors.ts';
import type { OidcRoute } from './routes.ts';
import { confirmLogout, logoutEndpoint } from './logout/logout-endpoint.ts';
import { introspectionEndpoint } from './introspection/introspection-endpoint.ts';
import { parEndpoint } from './par/par-endpoint.ts';
import { deleteRegistration, readRegistration, registerClient, updateRegistration } from './registration/register-client.ts';
import { revocationEndpoint } from './revocation/revocation-endpoint.ts';
import { tokenEndpoint } from './token/token-endpoint.ts';
import { userinfoEndpoint } from './userinfo/userinfo-endpoint.ts';

/** The endpoints a single-page application calls from the browser, and their methods (CORS for the tenant's allowed origins). */
const browserCalled = new Map([
  ['/t/{tenant}/oauth2/token', ['POST']],
  ['/t/{tenant}/oauth2/userinfo', ['GET', 'POST']],
  ['/t/{tenant}/oauth2/revoke', ['POST']],
]);

/** A CORS preflight: an empty answer; the CORS middleware adds the headers when the origin is allowed. */
const preflight = async (): Promise<HttpResponse> => ({ statusCode: 204, headers: {}, body: '' });

export function createOidcFunction(deps: () => OidcDeps) {
  return createHttpFunction<OidcDeps, OidcRoute>({
    service: 'oidc',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: renderOidcError,
    cors: browserCalled,
    routes: {
      'GET /t/{tenant}/.well-known/openid-configuration': getConfiguration,
      'GET /t/{tenant}/.well-known/oauth-authorization-server': getConfiguration,
      'GET /t/{tenant}/oauth2/jwks': getJwks,
      'GET /t/{tenant}/oauth2/authorize': authorizeEndpoint,
      'POST /t/{tenant}/oauth2/authorize': authorizeEndpoint,
      'GET /t/{tenant}/oauth2/authorize/resume': resumeAuthorization,
      'GET /t/{tenant}/oauth2/consent': showConsent,
      'POST /t/{tenant}/oauth2/consent': submitConsent,
      'POST /t/{tenant}/oauth2/par': parEndpoint,
      'POST /t/{tenant}/oauth2/token': tokenEndpoint,
      'OPTIONS /t/{tenant}/oauth2/token': preflight,
      'GET /t/{tenant}/oauth2/userinfo': userinfoEndpoint,
      'POST /t/{tenant}/oauth2/userinfo': userinfoEndpoint,
      'OPTIONS /t/{tenant}/oauth2/userinfo': preflight,
      'POST /t/{tenant}/oauth2/register': registerClient,
      'GET /t/{tenant}/oauth2/register/{clientId}': readRegistration,
      'PUT /t/{tenant}/oauth2/register/{clientId}': updateRegistration,
      'DELETE /t/{tenant}/oauth2/register/{clientId}': deleteRegistration,
      'POST /t/{tenant}/oauth2/introspect': introspectionEndpoint,
      'POST /t/{tenant}/oauth2/revoke': revocationEndpoint,
      'OPTIONS /t/{tenant}/oauth2/revoke': preflight,
      'GET /t/{tenant}/oauth2/logout': logoutEndpoint,
      'POST /t/{tenant}/oauth2/logout': confirmLogout,
    },
  });
}
