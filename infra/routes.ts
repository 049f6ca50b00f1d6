/**
 * The route table: every HTTP route and the function that serves it, composed from
 * each function's routes.ts. The CDK API stack creates exactly these HTTP API routes
 * and the local gateway serves exactly these.
 */
import { httpFunctions } from './functions.ts';

export interface Route {
  /** API Gateway's route key, e.g. `GET /t/{tenant}/oauth2/jwks`. */
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly functionName: string;
}

export function parseRouteKey(routeKey: string): { method: string; path: string } {
  const match = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/\S*)$/.exec(routeKey);
  if (!match) throw new Error(`malformed route key: ${routeKey}`);
  return { method: match[1]!, path: match[2]! };
}

export const routeTable: readonly Route[] = httpFunctions.flatMap((fn) =>
  fn.routes.map((routeKey) => ({ routeKey, ...parseRouteKey(routeKey), functionName: fn.name })),
);

const seen = new Set<string>();
for (const route of routeTable) {
  if (seen.has(route.routeKey)) throw new Error(`route served twice: ${route.routeKey}`);
  seen.add(route.routeKey);
}
