import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { createAuditEvent, type AuditEvent } from '../../../shared/domain/audit/event.ts';
import { OAuthError } from '../../../shared/domain/oauth/errors.ts';
import { bearerToken, verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { ScimError } from '../../../shared/domain/scim/errors.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { tenantOf, type HttpRequest, type HttpResponse, type RouteHandler } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { ScimDeps } from '../deps.ts';
import { scimContentType } from './scim-errors.ts';

export interface ScimCall {
  readonly req: HttpRequest<ScimDeps>;
  readonly tenant: Tenant;
  readonly actor: AuditActor;
  /** The base URL of this tenant's SCIM service, for `meta.location` and `$ref`. */
  readonly base: string;
  event(type: AuditEventType, subject: string, details: Record<string, unknown>): AuditEvent;
}

export const scimError = (status: number, detail: string, scimType?: string) => new HttpError(status, scimType ?? 'scim_error', detail, { details: scimType ? { scimType } : {} });

/** A bearer token of this tenant for the SCIM audience with the `scim` scope (a token of another tenant is simply invalid here). */
async function callerOf(req: HttpRequest<ScimDeps>, tenant: Tenant): Promise<AuditActor> {
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  const unauthorized = (detail: string) => new HttpError(401, 'invalid_token', detail, { headers: { 'www-authenticate': 'Bearer realm="scim", error="invalid_token"' } });
  let token;
  try {
    token = await verifyAccessToken(req.deps, tenant.id, issuer, bearerToken(req.headers.authorization), { audience: `${issuer}/scim2`, scope: 'scim' });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.status === 403) throw scimError(403, 'The token lacks the scim scope');
    throw unauthorized(error.error === 'invalid_token' ? error.message : 'A bearer token is required');
  }
  // Only clients provision; a user's token with the scope is not a provisioning connector.
  if (token.sub !== token.client_id) throw scimError(403, 'Provisioning needs a client’s own token (client credentials)');
  return { kind: 'client', id: token.client_id };
}

export function scimCallOf(req: HttpRequest<ScimDeps>, tenant: Tenant, actor: AuditActor): ScimCall {
  return {
    req, tenant, actor,
    base: `${issuerOf(req.deps.publicUrl, tenant)}/scim2`,
    event: (type, subject, details) =>
      createAuditEvent({ tenant: tenant.id, type, actor, subject, clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'success', details: { ...details, via: 'scim' } }),
  };
}

/** A SCIM domain refusal as the HTTP error the renderer turns into SCIM's error schema. */
export function asHttpError(error: unknown): unknown {
  if (error instanceof ScimError) return scimError(error.status, error.message, error.scimType);
  return error;
}

/** Authenticates, runs the handler, maps SCIM errors; every answer is application/scim+json. */
export function scimRoute(handler: (call: ScimCall) => Promise<HttpResponse>): RouteHandler<ScimDeps> {
  return async (req) => {
    const tenant = tenantOf(req);
    const actor = await callerOf(req, tenant);
    try {
      return await handler(scimCallOf(req, tenant, actor));
    } catch (error) {
      throw asHttpError(error);
    }
  };
}

export const scimJson = (status: number, body: unknown, headers: Record<string, string> = {}) => json(status, body, { 'content-type': scimContentType, ...headers });

/** The JSON body of a SCIM request; anything else is invalidSyntax. */
export function scimBody(req: HttpRequest<ScimDeps>): Record<string, unknown> {
  const body = req.state.body;
  if (body.kind !== 'json' || typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) throw scimError(400, 'The body must be a JSON object (application/scim+json)', 'invalidSyntax');
  return body.value as Record<string, unknown>;
}

/** If-Match against the resource's version (RFC 7644 §3.14); a mismatch is 412. */
export function checkIfMatch(req: HttpRequest<ScimDeps>, version: number): void {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '*') return;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(`"v${version}"`)) throw scimError(412, 'The resource has changed since that version (If-Match)');
}

export const etagOf = (version: number) => `W/"v${version}"`;
