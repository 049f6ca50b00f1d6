import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { TenantLookup } from '../domain/ports/tenant-lookup.ts';
import { cachedTenantLookup } from '../domain/tenants/cached-lookup.ts';
import { pageOrProblem } from './error-renderers.ts';
import { HttpError } from './errors.ts';
import { bodyParser, defaultMaxBodyBytes } from './middleware/body-parser.ts';
import { corsForAllowedOrigins } from './middleware/cors.ts';
import { errorMapping, type ErrorRenderer } from './middleware/error-mapping.ts';
import { requestState } from './middleware/request-state.ts';
import { responseMetrics } from './middleware/response-metrics.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { tenantResolution } from './middleware/tenant-resolution.ts';
import { observability } from './observability.ts';
import { queryOf, type HttpEvent, type HttpResponse, type RouteHandler } from './request.ts';

export interface HttpFunctionOptions<Deps, Route extends string> {
  readonly service: string;
  readonly routes: Readonly<Record<Route, RouteHandler<Deps>>>;
  /** Builds the function's ports on first use, so importing a handler does no I/O. */
  readonly deps: () => Deps;
  readonly tenants: (deps: Deps) => TenantLookup;
  readonly renderError?: ErrorRenderer;
  readonly maxBodyBytes?: number;
  /** Paths browser code of the tenant's allowed origins may call cross-origin, with their methods. */
  readonly cors?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The request path of ARCHITECTURE §7 around a function's routes: logger, metrics and
 * tracer; request state; security headers and error mapping on every response;
 * tenant resolution; body parsing; then the route named by API Gateway's route key.
 */
export function createHttpFunction<Deps, Route extends string>(options: HttpFunctionOptions<Deps, Route>) {
  const { logger, metrics, tracer } = observability(options.service);
  let deps: Deps | undefined;
  const depsOnce = () => (deps ??= options.deps());
  let tenants: TenantLookup | undefined;
  // TENANT_CACHE_TTL_MS: how stale a warm function's view of tenant settings may be (30 s unless set).
  const ttlMs = Number(process.env.TENANT_CACHE_TTL_MS) || undefined;
  const tenantsOnce = () => (tenants ??= cachedTenantLookup(options.tenants(depsOnce()), ttlMs ? { ttlMs } : {}));
  const routes: Readonly<Record<string, RouteHandler<Deps>>> = options.routes;

  const dispatch = async (event: HttpEvent): Promise<HttpResponse> => {
    const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    if (!route) throw new HttpError(404, 'not_found', 'Not found');
    return route({
      event,
      routeKey: event.routeKey,
      method: event.requestContext.http.method,
      path: event.rawPath,
      pathParameters: event.pathParameters ?? {},
      query: queryOf(event),
      headers: event.headers ?? {},
      cookies: event.cookies ?? [],
      state: event.state!,
      deps: depsOnce(),
    });
  };

  return middy<HttpEvent, HttpResponse>(dispatch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(captureLambdaHandler(tracer))
    .use(requestState())
    .use({ before: ({ event }) => logger.appendKeys({ correlationId: event.state!.correlationId, routeKey: event.routeKey }) })
    .use(responseMetrics(metrics))
    .use(securityHeaders())
    .use(options.cors ? [corsForAllowedOrigins(options.cors)] : [])
    .use(errorMapping(options.renderError ?? pageOrProblem, logger))
    .use(tenantResolution(tenantsOnce))
    .use(bodyParser(options.maxBodyBytes ?? defaultMaxBodyBytes));
}
