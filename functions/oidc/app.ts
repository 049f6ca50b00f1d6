import { createHttpFunction } from '../../shared/http/handler.ts';
import type { OidcDeps } from './deps.ts';
import { getConfiguration } from './discovery/get-configuration.ts';
import { getJwks } from './jwks/get-jwks.ts';
import { renderOidcError } from './oauth-errors.ts';
import type { OidcRoute } from './routes.ts';
import { tokenEndpoint } from './token/token-endpoint.ts';

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
      'POST /t/{tenant}/oauth2/token': tokenEndpoint,
    },
  });
}
