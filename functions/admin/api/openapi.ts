import { z } from 'zod';
import type { Operation } from './operation.ts';
import { problemSchema } from './schemas.ts';

const prefix = '/t/{tenant}/api/v1';

/** Schemas shared between operations (recursive ones, such as flow conditions), by name: the document's components. */
const sharedSchemas = new Map<string, unknown>();

/**
 * A zod schema as an OpenAPI 3.1 Schema Object (JSON Schema 2020-12), as requests are read or
 * responses written. Definitions it names (`$defs`, from schemas with a meta id) move to the
 * document's components, where their references can reach them.
 */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  const moved = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
  for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) sharedSchemas.set(name, moved(definition));
  return moved(rest);
}

const operationIdOf = (method: string, path: string) =>
  method.toLowerCase() + path.split('/').filter(Boolean).map((part) => part.replace(/[{}]/g, '')).map((part) => part[0]!.toUpperCase() + part.slice(1).replace(/[^A-Za-z0-9]/g, '')).join('');

const statusDescriptions: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No content' };

function describe(op: Operation) {
  const [method, routePath] = op.route.split(' ') as [string, string];
  const path = routePath.slice(prefix.length);
  const parameters: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (op.paginated) {
    parameters.push({ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
    parameters.push({ name: 'cursor', in: 'query', description: 'The next_cursor of the previous page', schema: { type: 'string' } });
  }
  if (op.query) {
    const shape = (schemaOf(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] });
    for (const [name, schema] of Object.entries(shape.properties ?? {})) parameters.push({ name, in: 'query', required: (shape.required ?? []).includes(name), schema });
  }
  if (op.conditional) parameters.push({ name: 'If-Match', in: 'header', description: 'The ETag the change is based on; a stale one gets 412', schema: { type: 'string' } });
  if (op.idempotent) parameters.push({ name: 'Idempotency-Key', in: 'header', description: 'Repeating a request with the same key returns the first answer', schema: { type: 'string', maxLength: 255 } });
  const success = {
    description: statusDescriptions[op.status] ?? 'OK',
    ...(op.response ? { content: { 'application/json': { schema: schemaOf(op.response, 'output') }, ...Object.fromEntries((op.alternateContent ?? []).map((type) => [type, { schema: { type: 'string' } }])) } } : {}),
    ...(op.response && op.route.includes('{') || op.status === 201 ? { headers: { ETag: { description: 'The resource’s version, for If-Match', schema: { type: 'string' } } } } : {}),
  };
  return {
    path,
    method: method.toLowerCase(),
    operation: {
      operationId: operationIdOf(method, path),
      summary: op.summary,
      tags: [op.tag],
      security: [{ oauth2: op.access === 'read' ? ['admin:read'] : ['admin'] }],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: !op.body.safeParse({}).success, content: { 'application/json': { schema: schemaOf(op.body, 'input') }, ...(op.xmlBody ? { [op.xmlBody]: { schema: { type: 'string' } } } : {}) } } } : {}),
      ...(op.streamedBody ? { requestBody: { required: true, description: 'One JSON document per line, each as the schema describes', content: { [op.streamedBody.contentType]: { schema: schemaOf(op.streamedBody.item, 'input') } } } } : {}),
      responses: {
        [String(op.status)]: success,
        default: { description: 'An error, as RFC 9457 problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the admin API, built from the operations that serve it. */
export function openApiDocument(operations: readonly Operation[], issuer: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const { path, method, operation } = describe(op);
    (paths[path] ??= {})[method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tenant admin API', version: '1.0.0', description: 'Everything a tenant administrator can do, for automation. Errors are RFC 9457 problem details.' },
    servers: [{ url: `${issuer}/api/v1` }],
    paths,
    components: {
      schemas: { Problem: schemaOf(problemSchema, 'output'), ...Object.fromEntries(sharedSchemas) },
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'Access tokens of this tenant: the management client’s (client credentials) or an administrator’s.',
          flows: { clientCredentials: { tokenUrl: `${issuer}/oauth2/token`, scopes: { admin: 'Read and change everything', 'admin:read': 'Read only' } } },
        },
      },
    },
  };
}
