import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail } from '../../../shared/domain/users/user.ts';
import { issueCsrf, tenantCsrfOptions, verifyCsrf } from '../../../shared/http/csrf.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse, RouteHandler } from '../../../shared/http/request.ts';
import { htmlResponse } from '../../../shared/http/responses.ts';
import { invokeOperation } from '../api/run-operation.ts';
import type { AdminDeps } from '../deps.ts';
import { adminOperations } from '../operations.ts';
import type { AdminRoute } from '../routes.ts';
import { consoleCaller, consolePath, type ConsoleCaller } from './console-auth.ts';
import type { ConsoleFrame, ConsoleSection, Notice } from './console-layout.ts';

/**
 * What every console screen shares: the signed-in administrator, the page frame with its CSRF
 * token, checked forms, and the admin API's own operations as the only way to read or change
 * anything (the same handlers, validation and audit, with the administrator as the actor).
 */

export type ConsoleRequest = HttpRequest<AdminDeps>;
export type ConsoleRoutes = Partial<Record<AdminRoute, RouteHandler<AdminDeps>>>;

const csrfForm = (caller: ConsoleCaller) => `console:${caller.tenant.id}`;

export async function frameOf(req: ConsoleRequest, caller: ConsoleCaller, current: ConsoleSection): Promise<{ frame: ConsoleFrame; cookie?: string }> {
  const { token, cookie } = issueCsrf(req, csrfForm(caller), await tenantCsrfOptions(req.deps, caller.tenant));
  return { frame: { nonce: req.state.nonce, settings: settingsOf(caller.tenant), base: consolePath(caller.tenant), csrf: token, who: primaryEmail(caller.user) ?? caller.user.userName, current }, ...(cookie ? { cookie } : {}) };
}

export const pageResponse = (body: string, cookie?: string): HttpResponse => ({ ...htmlResponse(200, body, { 'cache-control': 'no-store' }), ...(cookie ? { cookies: [cookie] } : {}) });

/** A screen rendered in its frame: `render` gets the frame (nav, CSRF token) and returns the page. */
export async function renderScreen(req: ConsoleRequest, caller: ConsoleCaller, current: ConsoleSection, render: (frame: ConsoleFrame) => string): Promise<HttpResponse> {
  const { frame, cookie } = await frameOf(req, caller, current);
  return pageResponse(render(frame), cookie);
}

/** A console route: the administrator, or the way to sign in. */
export const withCaller = (handler: (req: ConsoleRequest, caller: ConsoleCaller) => Promise<HttpResponse>) => async (req: ConsoleRequest): Promise<HttpResponse> => {
  const caller = await consoleCaller(req);
  return 'statusCode' in caller ? caller : handler(req, caller);
};

/** A form of the console: its CSRF token checked, its fields. */
export async function consoleForm(req: ConsoleRequest, caller: ConsoleCaller): Promise<URLSearchParams> {
  const form = formOf(req);
  verifyCsrf(req, csrfForm(caller), form.get('csrf'), (await tenantCsrfOptions(req.deps, caller.tenant)).key);
  return form;
}

/** The version a form was made from (its hidden `version` field); undefined when missing or garbled, which a change must refuse. */
export function formVersion(form: URLSearchParams): number | undefined {
  const version = form.get('version') ?? '';
  return /^\d{1,15}$/.test(version) ? Number(version) : undefined;
}

/** The version a form was made from, or the refusal of a form too old or too garbled to say. */
export function requiredFormVersion(form: URLSearchParams): number {
  const version = formVersion(form);
  if (version === undefined) throw badRequest('The form is out of date: reload the page and try again.');
  return version;
}

/** What a refused change says on the page (the API's own validation message, with the first problem's path); anything else is an error. */
export function refusalOf(error: unknown): Notice {
  if (error instanceof HttpError && error.status < 500) return { ok: false, text: error.message };
  throw error;
}

const actorOf = (caller: ConsoleCaller): AuditActor => ({ kind: 'user', id: caller.user.id });

export interface OperationCall {
  /** The route's path parameters besides the tenant (userId, clientId, …). */
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string> | URLSearchParams;
  readonly body?: unknown;
  /** The version the page showed: a conditional change is refused (412) if the resource moved on since. */
  readonly ifMatch?: number;
  /** An XML body instead (SAML metadata), for the operations that take one. */
  readonly xml?: string;
}

/** The admin API operation of `route`, run for the console's administrator; its JSON body. */
export const callOperation = async <T = unknown>(req: ConsoleRequest, caller: ConsoleCaller, route: AdminRoute, call: OperationCall = {}): Promise<T> => (await callVersionedOperation<T>(req, caller, route, call)).body;

/** The same, with the resource's version (its ETag) when it has one: a form carries it back as `ifMatch`, so a stale form is refused. */
export async function callVersionedOperation<T = unknown>(req: ConsoleRequest, caller: ConsoleCaller, route: AdminRoute, call: OperationCall = {}): Promise<{ body: T; version?: number }> {
  const op = adminOperations.find((o) => o.route === route);
  if (!op) throw new Error(`no admin operation ${route}`);
  let request = call.path ? { ...req, pathParameters: { ...req.pathParameters, ...call.path } } : req;
  if (call.xml !== undefined && op.xmlBody) request = { ...request, state: { ...request.state, body: { kind: 'text', contentType: op.xmlBody, value: call.xml } } };
  const result = await invokeOperation(op, request, actorOf(caller), new URLSearchParams(call.query ?? {}), call.body, call.ifMatch);
  return { body: result.body as T, ...(result.version !== undefined ? { version: result.version } : {}) };
}
