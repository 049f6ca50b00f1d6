import { toHttpError } from '../../../shared/http/middleware/error-mapping.ts';
import type { HttpResponse } from '../../../shared/http/request.ts';
import { scimErrorOf } from '../api/scim-errors.ts';
import { asHttpError, scimBody, scimError, scimJson, type ScimCall } from '../api/scim-route.ts';
import { createGroup, deleteGroup, patchGroup, replaceGroup } from '../groups/groups-endpoint.ts';
import { createUser, deleteUser, patchUser, replaceUser } from '../users/users-endpoint.ts';

export const maxBulkOperations = 1000;
export const maxBulkPayloadBytes = 1_048_576;
const bulkRequestSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const bulkResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

type Handler = (call: ScimCall) => Promise<HttpResponse>;
const handlers: Record<string, Record<string, Handler>> = {
  Users: { POST: createUser, PUT: replaceUser, PATCH: patchUser, DELETE: deleteUser },
  Groups: { POST: createGroup, PUT: replaceGroup, PATCH: patchGroup, DELETE: deleteGroup },
};

interface BulkOperation {
  readonly method: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly path: string;
  readonly data?: unknown;
}

function operationsOf(body: Record<string, unknown>): BulkOperation[] {
  if (!Array.isArray(body.schemas) || !body.schemas.includes(bulkRequestSchema)) throw scimError(400, `schemas must contain ${bulkRequestSchema}`, 'invalidSyntax');
  if (!Array.isArray(body.Operations) || body.Operations.length === 0) throw scimError(400, 'Operations must be a non-empty array', 'invalidSyntax');
  if (body.Operations.length > maxBulkOperations) throw scimError(413, `At most ${maxBulkOperations} operations per request`);
  return body.Operations.map((op: unknown, i) => {
    const o = op as Partial<BulkOperation> | null;
    if (typeof o !== 'object' || o === null || typeof o.method !== 'string' || typeof o.path !== 'string') throw scimError(400, `Operations[${i}] needs a method and a path`, 'invalidSyntax');
    if (o.bulkId !== undefined && (typeof o.bulkId !== 'string' || !/^[\w.-]{1,64}$/.test(o.bulkId))) throw scimError(400, `Operations[${i}].bulkId is malformed`, 'invalidSyntax');
    if (o.version !== undefined && typeof o.version !== 'string') throw scimError(400, `Operations[${i}].version must be a string`, 'invalidSyntax');
    return o as BulkOperation;
  });
}

/** Replaces "bulkId:x" references in the data with the ids the earlier operations created (RFC 7644 §3.7.2). */
function resolved(data: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof data === 'string' && data.startsWith('bulkId:')) {
    const id = ids.get(data.slice(7));
    if (!id) throw scimError(409, `${data} does not name an earlier operation that succeeded`, 'invalidValue');
    return id;
  }
  if (Array.isArray(data)) return data.map((v) => resolved(v, ids));
  if (typeof data === 'object' && data !== null) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, resolved(v, ids)]));
  return data;
}

async function run(call: ScimCall, op: BulkOperation, ids: Map<string, string>) {
  const match = /^\/(Users|Groups)(?:\/([A-Za-z0-9-]{1,64}|bulkId:[\w.-]{1,64}))?$/.exec(op.path);
  const method = op.method.toUpperCase();
  if (!match) throw scimError(400, `Unknown path ${op.path}`, 'invalidPath');
  const [, type, rawId] = match;
  if ((method === 'POST') !== (rawId === undefined)) throw scimError(400, `${method} needs ${method === 'POST' ? 'a collection' : 'a resource'} path`, 'invalidPath');
  const handler = handlers[type!]![method];
  if (!handler) throw scimError(400, `Unsupported method ${op.method}`, 'invalidSyntax');
  if (method === 'POST' && !op.bulkId) throw scimError(400, 'POST operations need a bulkId', 'invalidValue');
  const id = rawId === undefined ? undefined : (resolved(rawId, ids) as string);
  const req = {
    ...call.req,
    method,
    query: new URLSearchParams(),
    pathParameters: { ...call.req.pathParameters, ...(id ? { id } : {}) },
    headers: { ...call.req.headers, 'if-match': op.version },
    state: { ...call.req.state, body: op.data === undefined ? ({ kind: 'none' } as const) : ({ kind: 'json', value: resolved(op.data, ids) } as const) },
  };
  const response = await handler({ ...call, req });
  const location = response.headers.location ?? (id ? `${call.base}/${type}/${id}` : undefined);
  if (method === 'POST' && op.bulkId) ids.set(op.bulkId, String(location).split('/').pop()!);
  return { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), ...(location ? { location } : {}), ...(response.headers.etag ? { version: response.headers.etag } : {}), status: String(response.statusCode) };
}

/**
 * POST /t/{tenant}/scim2/Bulk (RFC 7644 §3.7): the operations in order through the same
 * handlers as single requests; after `failOnErrors` failures the rest are not attempted.
 */
export async function bulk(call: ScimCall): Promise<HttpResponse> {
  const body = scimBody(call.req);
  const operations = operationsOf(body);
  const failOnErrors = body.failOnErrors === undefined ? Infinity : Number(body.failOnErrors);
  if (!Number.isInteger(failOnErrors) && failOnErrors !== Infinity) throw scimError(400, 'failOnErrors must be an integer', 'invalidSyntax');
  const ids = new Map<string, string>();
  const results: unknown[] = [];
  let errors = 0;
  for (const op of operations) {
    if (errors >= failOnErrors) break;
    try {
      results.push(await run(call, op, ids));
    } catch (caught) {
      const error = toHttpError(asHttpError(caught));
      errors++;
      results.push({ method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), status: String(error.status), response: scimErrorOf(error) });
    }
  }
  return scimJson(200, { schemas: [bulkResponseSchema], Operations: results });
}
