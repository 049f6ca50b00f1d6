/** SCIM 2.0 provisioning endpoints of each tenant (RFC 7644), at /t/{tenant}/scim2. */
export const routes = [
  'GET /t/{tenant}/scim2/ServiceProviderConfig',
  'GET /t/{tenant}/scim2/ResourceTypes',
  'GET /t/{tenant}/scim2/ResourceTypes/{id}',
  'GET /t/{tenant}/scim2/Schemas',
  'GET /t/{tenant}/scim2/Schemas/{id}',
  'GET /t/{tenant}/scim2/Users',
  'POST /t/{tenant}/scim2/Users',
  'POST /t/{tenant}/scim2/Users/.search',
  'GET /t/{tenant}/scim2/Users/{id}',
  'PUT /t/{tenant}/scim2/Users/{id}',
  'PATCH /t/{tenant}/scim2/Users/{id}',
  'DELETE /t/{tenant}/scim2/Users/{id}',
  'GET /t/{tenant}/scim2/Groups',
  'POST /t/{tenant}/scim2/Groups',
  'POST /t/{tenant}/scim2/Groups/.search',
  'GET /t/{tenant}/scim2/Groups/{id}',
  'PUT /t/{tenant}/scim2/Groups/{id}',
  'PATCH /t/{tenant}/scim2/Groups/{id}',
  'DELETE /t/{tenant}/scim2/Groups/{id}',
  'POST /t/{tenant}/scim2/Bulk',
] as const;

export type ScimRoute = (typeof routes)[number];
