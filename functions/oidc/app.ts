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

export function createOidcFunction(deps: () => OidcDeps) {
  return createHttpFunction<OidcDeps, OidcRoute>({
    service: 'oidc',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: renderOidcError,
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
      'GET /t/{tenant}/oauth2/userinfo': userinfoEndpoint,
      'POST /t/{tenant}/oauth2/userinfo': userinfoEndpoint,
      'POST /t/{tenant}/oauth2/register': registerClient,
      'GET /t/{tenant}/oauth2/register/{clientId}': readRegistration,
      'PUT /t/{tenant}/oauth2/register/{clientId}': updateRegistration,
      'DELETE /t/{tenant}/oauth2/register/{clientId}': deleteRegistration,
      'POST /t/{tenant}/oauth2/introspect': introspectionEndpoint,
      'POST /t/{tenant}/oauth2/revoke': revocationEndpoint,
      'GET /t/{tenant}/oauth2/logout': logoutEndpoint,
      'POST /t/{tenant}/oauth2/logout': confirmLogout,
    },
  });
}
