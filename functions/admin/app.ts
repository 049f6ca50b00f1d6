import { problemJson } from '../../shared/http/error-renderers.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import { tenantOf, type RouteHandler } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { issuerOf } from '../../shared/domain/tenants/tenant.ts';
import { openApiDocument } from './api/openapi.ts';
import type { Operation } from './api/operation.ts';
import { runOperation } from './api/run-operation.ts';
import type { AdminDeps } from './deps.ts';
import { applicationOperations } from './resources/applications.ts';
import { serviceProviderOperations } from './resources/service-providers.ts';
import { groupOperations } from './resources/groups.ts';
import { keyOperations } from './resources/keys.ts';
import { settingsOperations } from './resources/settings.ts';
import { userOperations } from './resources/users.ts';
import { migrationOperations } from './resources/user-migration.ts';
import { flowOperations } from './resources/flows.ts';
import { siemSinkOperations } from './resources/siem-sinks.ts';
import { auditOperations } from './resources/audit.ts';
import { consentPurposeOperations } from './resources/consent-purposes.ts';
import type { AdminRoute } from './routes.ts';
import { identityProviderOperations } from './resources/identity-providers.ts';

export const adminOperations: readonly Operation[] = [...settingsOperations, ...userOperations, ...migrationOperations, ...groupOperations, ...applicationOperations, ...serviceProviderOperations, ...flowOperations, ...keyOperations, ...siemSinkOperations, ...auditOperations, ...consentPurposeOperations, ...identityProviderOperations];

const getOpenApi: RouteHandler<AdminDeps> = async (req) =>
  json(200, openApiDocument(adminOperations, issuerOf(req.deps.publicUrl, tenantOf(req))), { 'cache-control': 'public, max-age=300' });

export function createAdminFunction(deps: () => AdminDeps) {
  const routes = Object.fromEntries(adminOperations.map((op) => [op.route, runOperation(op)])) as Record<AdminRoute, RouteHandler<AdminDeps>>;
  return createHttpFunction<AdminDeps, AdminRoute>({
    service: 'admin',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: problemJson,
    // A user import is up to a thousand NDJSON lines; every other body is validated far below this.
    maxBodyBytes: 2 * 1024 * 1024,
    routes: { ...routes, 'GET /t/{tenant}/api/v1/openapi.json': getOpenApi },
  });
}
