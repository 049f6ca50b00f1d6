import { pageOrProblem } from '../../shared/http/error-renderers.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import { tenantOf, type RouteHandler } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { issuerOf } from '../../shared/domain/tenants/tenant.ts';
import { openApiDocument } from './api/openapi.ts';
import { runOperation } from './api/run-operation.ts';
import { adminOperations } from './operations.ts';
import { consoleRoutes } from './console/console-routes.ts';
import type { AdminDeps } from './deps.ts';
import type { AdminRoute } from './routes.ts';


const getOpenApi: RouteHandler<AdminDeps> = async (req) =>
  json(200, openApiDocument(adminOperations, issuerOf(req.deps.publicUrl, tenantOf(req))), { 'cache-control': 'public, max-age=300' });

export function createAdminFunction(deps: () => AdminDeps) {
  const routes = Object.fromEntries(adminOperations.map((op) => [op.route, runOperation(op)])) as Record<AdminRoute, RouteHandler<AdminDeps>>;
  return createHttpFunction<AdminDeps, AdminRoute>({
    service: 'admin',
    deps,
    tenants: (ports) => ports.tenants,
    // Problem details for programs; an error page for the console's browsers (which ask for HTML).
    renderError: pageOrProblem,
    // A user import is up to a thousand NDJSON lines; every other body is validated far below this.
    maxBodyBytes: 2 * 1024 * 1024,
    routes: {
      ...routes,
      'GET /t/{tenant}/api/v1/openapi.json': getOpenApi,
      ...consoleRoutes,
    },
  });
}
