import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import type { z } from 'zod';
import type { AuditActor, AuditEvent } from '../../../shared/domain/audit/event.ts';
import { createAuditEvent } from '../../../shared/domain/audit/event.ts';
import type { PageRequest } from '../../../shared/domain/ports/pages.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import type { AdminDeps } from '../deps.ts';
import type { AdminRoute } from '../routes.ts';
import type { Access } from './authorize-caller.ts';

/** What a handler gets: the validated input and who is asking. */
export interface AdminCall<Body> {
  readonly req: HttpRequest<AdminDeps>;
  readonly tenant: Tenant;
  readonly actor: AuditActor;
  readonly body: Body;
  /** The version an If-Match header names; undefined when there was none (or `*`). */
  readonly ifMatch: number | undefined;
  readonly page: PageRequest;
  /** The validated query parameters, when the operation declares them. */
  readonly query: Record<string, unknown>;
  /** An audit event of this request, by this caller. */
  event(type: AuditEventType, subject: string, details: Record<string, unknown>): AuditEvent;
}

export interface AdminResult {
  readonly body?: unknown;
  /** A body that is not JSON (an export): sent as it is with this content type. */
  readonly raw?: { readonly contentType: string; readonly body: string };
  /** The resource's version: sent as its ETag. */
  readonly version?: number;
  readonly headers?: Record<string, string>;
}

/**
 * One operation of the admin API: its route, its documentation and its schemas, which both
 * validate requests and generate the OpenAPI document, and its handler.
 */
export interface Operation<Body = unknown> {
  readonly route: AdminRoute;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly status: number;
  readonly body?: z.ZodType<Body>;
  /** A body that is not one JSON document (e.g. NDJSON): documented with the schema of each item; the handler reads it. */
  /** A content type also accepted as a raw text body (e.g. SAML metadata XML); the handler reads it. */
  readonly xmlBody?: string;
  readonly streamedBody?: { readonly contentType: string; readonly item: z.ZodType };
  /** The response body's schema; none for 204. */
  readonly response?: z.ZodType;
  /** Query parameters besides paging, validated (each at most once) and documented. */
  readonly query?: z.ZodObject;
  /** Other content types the success answer may come in (chosen by a `format` query parameter). */
  readonly alternateContent?: readonly string[];
  /** Lists: `limit` and `cursor` query parameters, `{ items, next_cursor }` answers. */
  readonly paginated?: boolean;
  /** Creating requests honour an Idempotency-Key header. */
  readonly idempotent?: boolean;
  /** The request may carry If-Match with the resource's ETag. */
  readonly conditional?: boolean;
  readonly handle: (call: AdminCall<Body>) => Promise<AdminResult>;
}

/** Declares an operation with its body type inferred from its schema. */
export const operation = <S extends z.ZodType = z.ZodType<undefined>>(op: Omit<Operation<z.output<S>>, 'body'> & { body?: S }): Operation<unknown> => op as unknown as Operation<unknown>;

export const auditEventOf = (req: HttpRequest<AdminDeps>, tenant: Tenant, actor: AuditActor) => (type: AuditEventType, subject: string, details: Record<string, unknown>) =>
  createAuditEvent({ tenant: tenant.id, type, actor, subject, clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'success', details });
