import { createHash } from 'node:crypto';
import { InvalidCursor } from '../../../shared/domain/ports/pages.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { tenantOf, type HttpRequest, type HttpResponse, type RouteHandler } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { AdminDeps } from '../deps.ts';
import { authorizeCaller } from './authorize-caller.ts';
import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { auditEventOf, type AdminResult, type Operation } from './operation.ts';

const idempotencyLifetimeMs = 24 * 3600_000;

/** If-Match: `"v3"` (or W/"v3") names version 3; `*` or none names no version. Anything else cannot match. */
function ifMatchOf(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"v(\d{1,16})"\s*$/.exec(header);
  if (!match) throw new HttpError(412, 'precondition_failed', 'If-Match does not name a version of this resource');
  return Number(match[1]);
}

function pageOf(query: URLSearchParams) {
  const limit = query.get('limit') ?? '50';
  if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 200) throw new HttpError(400, 'invalid_request', 'limit must be an integer from 1 to 200', { details: { errors: [{ path: 'limit', message: 'from 1 to 200' }] } });
  const cursor = query.get('cursor') ?? undefined;
  return { limit: Number(limit), ...(cursor !== undefined ? { cursor } : {}) };
}

const pagingParameters = new Set(['limit', 'cursor']);

function queryOf(query: URLSearchParams, op: Operation): Record<string, unknown> {
  if (!op.query) return {};
  const values: Record<string, string> = {};
  for (const name of new Set(query.keys())) {
    if (op.paginated && pagingParameters.has(name)) continue;
    if (query.getAll(name).length > 1) throw new HttpError(400, 'invalid_request', `The parameter ${name} was sent more than once`, { details: { errors: [{ path: name, message: 'sent more than once' }] } });
    values[name] = query.get(name)!;
  }
  const parsed = op.query.safeParse(values);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(query)'), message: issue.message }));
  throw new HttpError(400, 'validation_failed', `The query is invalid: ${errors[0]!.path}: ${errors[0]!.message}`, { details: { errors } });
}

function bodyOf(req: HttpRequest<AdminDeps>, op: Operation): unknown {
  if (!op.body) return undefined;
  const body = req.state.body;
  if (op.xmlBody && body.kind === 'text' && body.contentType === op.xmlBody) return undefined;
  // A POST whose body is all optional may come without one.
  if (body.kind === 'none' && op.body.safeParse({}).success) return op.body.parse({});
  if (body.kind !== 'json') throw new HttpError(415, 'unsupported_media_type', `Send a JSON body with Content-Type: application/json${op.xmlBody ? ` (or ${op.xmlBody})` : ''}.`);
  return validatedBody(op, body.value);
}

/** Deeper than any document of the API; a schema walking thousands of levels would run out of stack. */
const maxBodyDepth = 64;

function deeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length) {
    const [next, depth] = pending.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(next)) pending.push([child, depth + 1]);
  }
  return false;
}

/** A body checked against the operation's schema, with every problem's path. */
function validatedBody(op: Operation, value: unknown): unknown {
  if (!op.body) return undefined;
  if (deeperThan(value, maxBodyDepth)) throw new HttpError(400, 'validation_failed', `The request body is nested more than ${maxBodyDepth} levels deep`, { details: { errors: [{ path: '(body)', message: `nested more than ${maxBodyDepth} levels` }] } });
  const parsed = op.body.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  throw new HttpError(400, 'validation_failed', `The request body is invalid: ${errors[0]!.path}: ${errors[0]!.message}`, { details: { errors } });
}

const cursorRefused = (error: unknown): never => {
  if (error instanceof InvalidCursor) throw new HttpError(400, 'invalid_cursor', error.message);
  throw error;
};

const stored = (response: HttpResponse) => ({ status: response.statusCode, body: String(response.body ?? ''), headers: response.headers });

/**
 * Runs an operation: caller → If-Match → paging → body → idempotency key → handler →
 * JSON with the resource's ETag. A repeated Idempotency-Key gets the first answer back.
 */
export function runOperation(op: Operation): RouteHandler<AdminDeps> {
  return async (req) => {
    const tenant = tenantOf(req);
    const actor = await authorizeCaller(req, tenant, op.access);
    const ifMatch = op.conditional ? ifMatchOf(req.headers['if-match']) : undefined;
    const page = op.paginated ? pageOf(req.query) : { limit: 50 };
    const body = bodyOf(req, op);
    const query = queryOf(req.query, op);

    const key = op.idempotent ? req.headers['idempotency-key'] : undefined;
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) throw new HttpError(400, 'invalid_request', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const scope = `TENANT#${tenant.id}#${actor.kind}#${actor.id ?? ''}`;
    if (key !== undefined) {
      const fingerprint = createHash('sha256').update(`${req.routeKey}\n${req.path}\n${req.event.body ?? ''}`).digest('base64url');
      const now = Date.now();
      const claim = await req.deps.idempotency.claim(scope, key, fingerprint, now, now + idempotencyLifetimeMs);
      if (claim.state === 'completed') return { statusCode: claim.response.status, headers: { ...claim.response.headers, 'idempotent-replayed': 'true' }, body: claim.response.body };
      if (claim.state === 'in_progress') throw new HttpError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed');
      if (claim.state === 'mismatch') throw new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
    }
    try {
      const result = await op.handle({ req, tenant, actor, body, ifMatch, page, query, event: auditEventOf(req, tenant, actor) }).catch(cursorRefused);
      const headers = { ...(result.version !== undefined ? { etag: `"v${result.version}"` } : {}), ...result.headers };
      const response: HttpResponse =
        op.status === 204 ? { statusCode: 204, headers, body: '' }
        : result.raw ? { statusCode: op.status, headers: { 'content-type': result.raw.contentType, ...headers }, body: result.raw.body }
        : json(op.status, result.body, headers);
      if (key !== undefined) await req.deps.idempotency.complete(scope, key, stored(response));
      return response;
    } catch (error) {
      if (key !== undefined) await req.deps.idempotency.release(scope, key);
      throw error;
    }
  };
}

/**
 * The console's way to an operation: the same handler with the signed-in administrator as the
 * actor, its paging, query and body validated as the API validates them. No second implementation.
 * `ifMatch` is the version a page showed, for a conditional operation (as the If-Match header).
 */
export function invokeOperation(op: Operation, req: HttpRequest<AdminDeps>, actor: AuditActor, params: URLSearchParams, body?: unknown, ifMatch?: number): Promise<AdminResult> {
  const tenant = tenantOf(req);
  const page = op.paginated ? pageOf(params) : { limit: 50 };
  return op.handle({ req, tenant, actor, body: validatedBody(op, body), ifMatch: op.conditional ? ifMatch : undefined, page, query: queryOf(params, op), event: auditEventOf(req, tenant, actor) }).catch(cursorRefused);
}
