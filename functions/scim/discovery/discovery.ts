import type { HttpResponse } from '../../../shared/http/request.ts';
import { listResponseSchema, maxResults } from '../api/list-query.ts';
import { scimError, scimJson, type ScimCall } from '../api/scim-route.ts';
import { coreGroupSchema as groupSchemaUrn, coreUserSchema as userSchemaUrn, enterpriseUserSchema as enterpriseUrn } from '../../../shared/domain/scim/path.ts';
import { maxBulkOperations, maxBulkPayloadBytes } from '../bulk/bulk-endpoint.ts';

const schemaUrn = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const resourceTypeUrn = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

type Mutability = 'readOnly' | 'readWrite' | 'writeOnly' | 'immutable';
interface AttributeOptions {
  type?: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: Mutability;
  returned?: 'always' | 'never' | 'default' | 'request';
  uniqueness?: 'none' | 'server';
  subAttributes?: Array<Record<string, unknown>>;
  referenceTypes?: string[];
}

/** An attribute definition (RFC 7643 §7) with the RFC's defaults filled in. */
const attribute = (name: string, description: string, o: AttributeOptions = {}) => ({
  name,
  type: o.type ?? 'string',
  multiValued: o.multiValued ?? false,
  description,
  required: o.required ?? false,
  caseExact: o.caseExact ?? false,
  mutability: o.mutability ?? 'readWrite',
  returned: o.returned ?? 'default',
  uniqueness: o.uniqueness ?? 'none',
  ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
  ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
});

const multiValue = (kind: string) => [
  attribute('value', `The ${kind}`),
  attribute('type', 'A label such as work or home'),
  attribute('primary', 'The primary value', { type: 'boolean' }),
];

const schemas = [
  {
    id: userSchemaUrn,
    name: 'User',
    description: 'User account',
    attributes: [
      attribute('userName', 'Unique identifier the user signs in with', { required: true, uniqueness: 'server' }),
      attribute('externalId', 'The provisioning client’s own identifier', { caseExact: true }),
      attribute('name', 'The user’s name', { type: 'complex', subAttributes: [attribute('formatted', 'Full name'), attribute('givenName', 'Given name'), attribute('familyName', 'Family name')] }),
      attribute('displayName', 'Name shown to others'),
      attribute('emails', 'Email addresses (unique within the tenant)', { type: 'complex', multiValued: true, subAttributes: multiValue('email address') }),
      attribute('phoneNumbers', 'Phone numbers (the primary one is kept)', { type: 'complex', multiValued: true, subAttributes: multiValue('phone number') }),
      attribute('locale', 'Preferred language'),
      attribute('active', 'Whether the user may sign in', { type: 'boolean' }),
      attribute('password', 'Set only; checked against the tenant’s password policy, never returned', { mutability: 'writeOnly', returned: 'never' }),
      attribute('groups', 'Groups the user belongs to', {
        type: 'complex', multiValued: true, mutability: 'readOnly',
        subAttributes: [attribute('value', 'Group id', { mutability: 'readOnly' }), attribute('display', 'Group name', { mutability: 'readOnly' }), attribute('$ref', 'Group URI', { type: 'reference', mutability: 'readOnly', referenceTypes: ['Group'] })],
      }),
    ],
  },
  {
    id: groupSchemaUrn,
    name: 'Group',
    description: 'Group',
    attributes: [
      attribute('displayName', 'Group name (unique within the tenant)', { required: true, uniqueness: 'server' }),
      attribute('members', 'Members (users)', { type: 'complex', multiValued: true, subAttributes: [attribute('value', 'User id', { mutability: 'immutable' }), attribute('$ref', 'User URI', { type: 'reference', mutability: 'immutable', referenceTypes: ['User'] }), attribute('type', 'User', { mutability: 'immutable' })] }),
    ],
  },
  {
    id: enterpriseUrn,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: [
      ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((name) => attribute(name, name)),
      attribute('manager', 'The user’s manager', { type: 'complex', subAttributes: [attribute('value', 'Manager’s user id'), attribute('$ref', 'Manager URI', { type: 'reference', referenceTypes: ['User'] })] }),
    ],
  },
];

const resourceTypes = (base: string) => [
  { schemas: [resourceTypeUrn], id: 'User', name: 'User', endpoint: '/Users', description: 'User account', schema: userSchemaUrn, schemaExtensions: [{ schema: enterpriseUrn, required: false }], meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` } },
  { schemas: [resourceTypeUrn], id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: groupSchemaUrn, meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` } },
];

const withMeta = (base: string) => schemas.map((s) => ({ schemas: [schemaUrn], ...s, meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` } }));
const listOf = (resources: unknown[]) => ({ schemas: [listResponseSchema], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });

/** RFC 7644 §5: what this service supports, truthfully. */
export async function serviceProviderConfig(call: ScimCall): Promise<HttpResponse> {
  return scimJson(200, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${call.base.replace(/\/scim2$/, '')}/api/v1/openapi.json`,
    patch: { supported: true },
    bulk: { supported: true, maxOperations: maxBulkOperations, maxPayloadSize: maxBulkPayloadBytes },
    filter: { supported: true, maxResults },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'An access token of this tenant with the scim scope (client credentials)', specUri: 'https://www.rfc-editor.org/rfc/rfc6750', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${call.base}/ServiceProviderConfig` },
  });
}

export const listResourceTypes = async (call: ScimCall) => scimJson(200, listOf(resourceTypes(call.base)));
export const listSchemas = async (call: ScimCall) => scimJson(200, listOf(withMeta(call.base)));

export async function getResourceType(call: ScimCall): Promise<HttpResponse> {
  const found = resourceTypes(call.base).find((r) => r.id === call.req.pathParameters.id);
  if (!found) throw scimError(404, 'No such resource type');
  return scimJson(200, found);
}

export async function getSchema(call: ScimCall): Promise<HttpResponse> {
  const found = withMeta(call.base).find((s) => s.id === call.req.pathParameters.id);
  if (!found) throw scimError(404, 'No such schema');
  return scimJson(200, found);
}
