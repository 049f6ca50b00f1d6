import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRouteMatcher } from '../../../infra/local/route-matcher.ts';
import { parseRouteKey, routeTable, type Route } from '../../../infra/routes.ts';

const route = (routeKey: string, functionName = 'f'): Route => ({ routeKey, ...parseRouteKey(routeKey), functionName });

test('matches path parameters, decoded', () => {
  const match = createRouteMatcher([route('GET /t/{tenant}/oauth2/jwks')]);
  assert.deepEqual(match('GET', '/t/acme/oauth2/jwks')?.pathParameters, { tenant: 'acme' });
  assert.deepEqual(match('GET', '/t/a%2Fb/oauth2/jwks')?.pathParameters, { tenant: 'a/b' });
  assert.equal(match('POST', '/t/acme/oauth2/jwks'), undefined);
  assert.equal(match('GET', '/t/acme/oauth2/jwks/'), undefined);
  assert.equal(match('GET', '/t//oauth2/jwks'), undefined);
});

test('prefers the most literal route and a method over ANY, as API Gateway does', () => {
  const match = createRouteMatcher([route('ANY /t/{tenant}/{proxy+}', 'any'), route('GET /t/{tenant}/login', 'login'), route('GET /t/{tenant}/{page}', 'page')]);
  assert.equal(match('GET', '/t/acme/login')?.route.functionName, 'login');
  assert.equal(match('GET', '/t/acme/other')?.route.functionName, 'page');
  assert.equal(match('POST', '/t/acme/login')?.route.functionName, 'any');
  assert.deepEqual(match('DELETE', '/t/acme/a/b')?.pathParameters, { tenant: 'acme', proxy: 'a/b' });
});

test('the route table serves each route key once, each by a named function', () => {
  assert.ok(routeTable.length > 0);
  assert.equal(new Set(routeTable.map((r) => r.routeKey)).size, routeTable.length);
  assert.ok(routeTable.some((r) => r.routeKey === 'GET /health'));
});

test('malformed route keys are refused', () => {
  assert.throws(() => parseRouteKey('GET health'));
  assert.throws(() => parseRouteKey('FETCH /x'));
});
