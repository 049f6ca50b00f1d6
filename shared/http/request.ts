import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Tenant } from '../domain/tenants/tenant.ts';

/** A parsed request body: JSON, a form (duplicates kept, so protocols can refuse them), or raw text. */
export type RequestBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'form'; readonly value: URLSearchParams }
  | { readonly kind: 'text'; readonly value: string; readonly contentType: string };

/** What the middleware learns about a request before the route runs. */
export interface RequestState {
  correlationId: string;
  nonce: string;
  clientIp: string;
  userAgent: string;
  tenant?: Tenant;
  body: RequestBody;
}

export type HttpEvent = APIGatewayProxyEventV2 & { state?: RequestState };

export interface HttpResponse extends APIGatewayProxyStructuredResultV2 {
  statusCode: number;
  headers: Record<string, string>;
}

export interface HttpRequest<Deps> {
  readonly event: APIGatewayProxyEventV2;
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: URLSearchParams;
  /** Header names are lowercase, as API Gateway delivers them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly cookies: readonly string[];
  readonly state: RequestState;
  readonly deps: Deps;
}

export type RouteHandler<Deps> = (request: HttpRequest<Deps>) => Promise<HttpResponse>;

/** The tenant a tenant route belongs to; tenant resolution has already refused unknown ones. */
export function tenantOf(request: HttpRequest<unknown>): Tenant {
  const tenant = request.state.tenant;
  if (!tenant) throw new Error(`route ${request.routeKey} has no tenant`);
  return tenant;
}

/** Repeated query parameters arrive comma-joined from API Gateway; the raw string keeps them apart. */
export function queryOf(event: APIGatewayProxyEventV2): URLSearchParams {
  return new URLSearchParams(event.rawQueryString ?? '');
}

export function wantsHtml(headers: Readonly<Record<string, string | undefined>>): boolean {
  const accept = headers.accept ?? '';
  return accept.includes('text/html') && !accept.startsWith('application/json');
}
