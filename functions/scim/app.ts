import { createHttpFunction } from '../../shared/http/handler.ts';
import { renderScimError } from './api/scim-errors.ts';
import { scimRoute } from './api/scim-route.ts';
import { bulk, maxBulkPayloadBytes } from './bulk/bulk-endpoint.ts';
import type { ScimDeps } from './deps.ts';
import { getResourceType, getSchema, listResourceTypes, listSchemas, serviceProviderConfig } from './discovery/discovery.ts';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup, searchGroups } from './groups/groups-endpoint.ts';
import type { ScimRoute } from './routes.ts';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser, searchUsers } from './users/users-endpoint.ts';

export function createScimFunction(deps: () => ScimDeps) {
  return createHttpFunction<ScimDeps, ScimRoute>({
    service: 'scim',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: renderScimError,
    maxBodyBytes: maxBulkPayloadBytes,
    routes: {
      'GET /t/{tenant}/scim2/ServiceProviderConfig': scimRoute(serviceProviderConfig),
      'GET /t/{tenant}/scim2/ResourceTypes': scimRoute(listResourceTypes),
      'GET /t/{tenant}/scim2/ResourceTypes/{id}': scimRoute(getResourceType),
      'GET /t/{tenant}/scim2/Schemas': scimRoute(listSchemas),
      'GET /t/{tenant}/scim2/Schemas/{id}': scimRoute(getSchema),
      'GET /t/{tenant}/scim2/Users': scimRoute(listUsers),
      'POST /t/{tenant}/scim2/Users': scimRoute(createUser),
      'POST /t/{tenant}/scim2/Users/.search': scimRoute(searchUsers),
      'GET /t/{tenant}/scim2/Users/{id}': scimRoute(getUser),
      'PUT /t/{tenant}/scim2/Users/{id}': scimRoute(replaceUser),
      'PATCH /t/{tenant}/scim2/Users/{id}': scimRoute(patchUser),
      'DELETE /t/{tenant}/scim2/Users/{id}': scimRoute(deleteUser),
      'GET /t/{tenant}/scim2/Groups': scimRoute(listGroups),
      'POST /t/{tenant}/scim2/Groups': scimRoute(createGroup),
      'POST /t/{tenant}/scim2/Groups/.search': scimRoute(searchGroups),
      'GET /t/{tenant}/scim2/Groups/{id}': scimRoute(getGroup),
      'PUT /t/{tenant}/scim2/Groups/{id}': scimRoute(replaceGroup),
      'PATCH /t/{tenant}/scim2/Groups/{id}': scimRoute(patchGroup),
      'DELETE /t/{tenant}/scim2/Groups/{id}': scimRoute(deleteGroup),
      'POST /t/{tenant}/scim2/Bulk': scimRoute(bulk),
    },
  });
}
