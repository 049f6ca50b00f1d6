import type { Route } from '../routes.ts';

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly literalLength: number;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let literalLength = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        names.push(greedy[1]!);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return '([^/]+)';
      }
      literalLength += segment.length;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names, literalLength };
}

/**
 * Matches requests to routes as API Gateway HTTP APIs do: a method-specific route beats
 * ANY, and the most literal path wins over one with more parameters.
 */
export function createRouteMatcher(routes: readonly Route[]) {
  const compiled = routes.map(compile).sort((a, b) => b.literalLength - a.literalLength);
  return (method: string, path: string): RouteMatch | undefined => {
    let fallback: RouteMatch | undefined;
    for (const candidate of compiled) {
      const m = candidate.pattern.exec(path);
      if (!m) continue;
      const pathParameters = Object.fromEntries(candidate.names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
      if (candidate.route.method === method) return { route: candidate.route, pathParameters };
      if (candidate.route.method === 'ANY') fallback ??= { route: candidate.route, pathParameters };
    }
    return fallback;
  };
}
