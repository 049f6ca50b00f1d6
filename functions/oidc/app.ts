import { createHttpFunction } from '../../shared/http/handler.ts';
import type { OidcDeps } from './deps.ts';
import { getJwks } from './jwks/get-jwks.ts';
import type { OidcRoute } from './routes.ts';

export function createOidcFunction(deps: () => OidcDeps) {
  return createHttpFunction<OidcDeps, OidcRoute>({
    service: 'oidc',
    deps,
    tenants: (ports) => ports.tenants,
    routes: {
      'GET /t/{tenant}/oauth2/jwks': getJwks,
    },
  });
}
