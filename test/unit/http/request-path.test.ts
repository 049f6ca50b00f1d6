import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SigningKeysUnavailable } from '../../../shared/domain/keys/key-service.ts';
import { KeyServiceUnavailable } from '../../../shared/domain/ports/key-vault.ts';
import type { TenantLookup } from '../../../shared/domain/ports/tenant-lookup.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { badRequest, HttpError } from '../../../shared/http/errors.ts';
import { createHttpFunction } from '../../../shared/http/handler.ts';
import { tenantOf, type HttpRequest } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { httpEvent, testContext } from '../../support/events.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const tenants: Record<string, Tenant> = {
  acme: { id: 'acme', slug: 'acme', displayName: 'Acme', status: 'active' },
  waiting: { id: 'waiting', slug: 'waiting', displayName: 'Waiting', status: 'pending' },
  frozen: { id: 'frozen', slug: 'frozen', displayName: 'Frozen', status: 'suspended' },
};

function build(routes: Record<string, (req: HttpRequest<{ lookups: string[] }>) => Promise<ReturnType<typeof json>>>, maxBodyBytes?: number) {
  const lookups: string[] = [];
  const lookup: TenantLookup = {
    async findTenant(slug) {
      lookups.push(slug);
      return tenants[slug];
    },
  };
  const fn = createHttpFunction({ service: 'test', deps: () => ({ lookups }), tenants: () => lookup, routes, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  return { lookups, call: (event: Parameters<typeof fn>[0]) => fn(event, testContext()) };
}

const echo = async (req: HttpRequest<unknown>) => {
  const body = req.state.body;
  return json(200, { body: body.kind === 'form' ? { kind: 'form', entries: [...body.value] } : body, tenant: req.state.tenant?.slug ?? null });
};

describe('security headers (ARCHITECTURE §7)', () => {
  const { call } = build({
    'GET /ok': echo,
    'GET /boom': async () => {
      throw new Error('database password is hunter2 at /var/task/index.js:12');
    },
    'GET /jwks': async () => json(200, {}, { 'cache-control': 'public, max-age=300' }),
  });

  for (const [name, routeKey] of [['a success', 'GET /ok'], ['a failure', 'GET /boom'], ['an unknown route', 'GET /missing']] as const) {
    test(`are set on ${name}`, async () => {
      const res = await call(httpEvent({ routeKey }));
      assert.match(res.headers['content-security-policy']!, /frame-ancestors 'none'/);
      assert.match(res.headers['content-security-policy']!, /script-src 'nonce-[A-Za-z0-9+/=]{24}'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(res.headers['strict-transport-security']!, /max-age=\d{8}/);
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['cache-control'], 'no-store');
    });
  }

  test('give each response its own CSP nonce', async () => {
    const a = await call(httpEvent({ routeKey: 'GET /ok' }));
    const b = await call(httpEvent({ routeKey: 'GET /ok' }));
    assert.notEqual(a.headers['content-security-policy'], b.headers['content-security-policy']);
  });

  test('keep caching a route chose for itself', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /jwks' }));
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.equal(res.headers.pragma, undefined);
  });
});

describe('error mapping', () => {
  const { call } = build({
    'GET /bad': async () => {
      throw badRequest('The <script>alert(1)</script> parameter is malformed');
    },
    'GET /boom': async () => {
      throw new TypeError('Cannot read properties of undefined (reading "secret")');
    },
    'GET /kms-down': async () => {
      throw new KeyServiceUnavailable('no KMS');
    },
    'GET /no-keys': async () => {
      throw new SigningKeysUnavailable('cold start with KMS down');
    },
    'GET /throttled': async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    },
    'GET /conflict': async () => {
      throw new HttpError(409, 'conflict', 'Already exists', { headers: { etag: '"v2"' } });
    },
  });

  test('turns a refused request into RFC 9457 problem details', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /bad' }));
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const body = JSON.parse(res.body!);
    assert.equal(body.status, 400);
    assert.equal(body.code, 'invalid_request');
    assert.equal(body.correlationId, res.headers['x-correlation-id']);
  });

  test('renders an escaped HTML page for browsers', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /bad', headers: { accept: 'text/html,application/xhtml+xml' } }));
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type']!, /text\/html/);
    assert.ok(!res.body!.includes('<script>alert(1)'));
    assert.ok(res.body!.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const nonce = /nonce-([^']+)'/.exec(res.headers['content-security-policy']!)![1];
    assert.ok(res.body!.includes(`<style nonce="${nonce}">`));
  });

  test('answers an unexpected error with a generic 500 and no internals', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /boom' }));
    assert.equal(res.statusCode, 500);
    assert.doesNotMatch(res.body!, /TypeError|secret|reading|at \//);
    assert.equal(JSON.parse(res.body!).code, 'server_error');
  });

  test('answers 503 with Retry-After when the key service is down', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /kms-down' }));
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
  });

  test('answers 503 when no signing key can be had: fails closed, clearly', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /no-keys' }));
    assert.equal(res.statusCode, 503);
    assert.equal(JSON.parse(res.body!).code, 'temporarily_unavailable');
    assert.doesNotMatch(res.body!, /KMS/);
  });

  test('answers 503 when an AWS service throttles', async () => {
    assert.equal((await call(httpEvent({ routeKey: 'GET /throttled' }))).statusCode, 503);
  });

  test("keeps an error's own headers", async () => {
    const res = await call(httpEvent({ routeKey: 'GET /conflict' }));
    assert.equal(res.statusCode, 409);
    assert.equal(res.headers.etag, '"v2"');
  });

  test('answers an unknown route key with 404', async () => {
    const res = await call(httpEvent({ routeKey: 'GET /constructor' }));
    assert.equal(res.statusCode, 404);
  });
});

describe('correlation id', () => {
  const { call } = build({ 'GET /ok': echo });

  test("echoes the caller's well-formed id", async () => {
    const res = await call(httpEvent({ routeKey: 'GET /ok', headers: { 'x-correlation-id': 'trace-1234-abcd' } }));
    assert.equal(res.headers['x-correlation-id'], 'trace-1234-abcd');
  });

  for (const hostile of ['short', 'a'.repeat(200), 'evil\r\nset-cookie: x=1', '<script>']) {
    test(`replaces a malformed id (${JSON.stringify(hostile.slice(0, 20))})`, async () => {
      const res = await call(httpEvent({ routeKey: 'GET /ok', headers: { 'x-correlation-id': hostile } }));
      assert.notEqual(res.headers['x-correlation-id'], hostile);
      assert.match(res.headers['x-correlation-id']!, /^[0-9a-f-]{36}$/);
    });
  }
});

describe('tenant resolution', () => {
  const routeKey = 'GET /t/{tenant}/thing';
  const tenantRoute = async (req: HttpRequest<unknown>) => json(200, { tenant: tenantOf(req).slug });

  test('hands the route an active tenant', async () => {
    const { call } = build({ [routeKey]: tenantRoute });
    const res = await call(httpEvent({ routeKey, path: '/t/acme/thing', pathParameters: { tenant: 'acme' } }));
    assert.equal(res.statusCode, 200);
    assert.equal(JSON.parse(res.body!).tenant, 'acme');
  });

  for (const slug of ['nobody', 'waiting', 'frozen']) {
    test(`answers the same 404 for ${slug === 'nobody' ? 'an unknown' : `a ${tenants[slug]!.status}`} tenant`, async () => {
      const { call } = build({ [routeKey]: tenantRoute });
      const res = await call(httpEvent({ routeKey, path: `/t/${slug}/thing`, pathParameters: { tenant: slug } }));
      assert.equal(res.statusCode, 404);
      assert.equal(JSON.parse(res.body!).code, 'tenant_not_found');
      assert.equal(JSON.parse(res.body!).detail, 'Unknown tenant');
    });
  }

  for (const slug of ['ACME', '../acme', 'a', 'x'.repeat(41), 'acme%00', 'api']) {
    test(`refuses the malformed or reserved slug ${JSON.stringify(slug.slice(0, 12))} without a lookup`, async () => {
      const { call, lookups } = build({ [routeKey]: tenantRoute });
      const res = await call(httpEvent({ routeKey, path: '/t/x/thing', pathParameters: { tenant: slug } }));
      assert.equal(res.statusCode, 404);
      assert.deepEqual(lookups, []);
    });
  }

  test('reads a tenant once while it is cached', async () => {
    const { call, lookups } = build({ [routeKey]: tenantRoute });
    for (let i = 0; i < 3; i++) await call(httpEvent({ routeKey, path: '/t/acme/thing', pathParameters: { tenant: 'acme' } }));
    assert.deepEqual(lookups, ['acme']);
  });

  test('leaves platform routes without a tenant', async () => {
    const { call, lookups } = build({ 'GET /ok': echo });
    const res = await call(httpEvent({ routeKey: 'GET /ok' }));
    assert.equal(JSON.parse(res.body!).tenant, null);
    assert.deepEqual(lookups, []);
  });
});

describe('body parsing', () => {
  const { call } = build({ 'POST /echo': echo }, 1024);
  const post = (body: string, contentType: string, extra: Partial<Parameters<typeof httpEvent>[0]> = {}) =>
    call(httpEvent({ routeKey: 'POST /echo', body, headers: { 'content-type': contentType }, ...extra }));

  test('parses JSON', async () => {
    const res = await post('{"a":[1,2]}', 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(res.body!).body, { kind: 'json', value: { a: [1, 2] } });
  });

  test('parses a form and keeps repeated fields apart', async () => {
    const res = await post('scope=openid&scope=email', 'application/x-www-form-urlencoded');
    assert.deepEqual(JSON.parse(res.body!).body.entries, [['scope', 'openid'], ['scope', 'email']]);
  });

  test('decodes a base64 body', async () => {
    const res = await post(Buffer.from('{"b":true}').toString('base64'), 'application/json', { isBase64Encoded: true });
    assert.deepEqual(JSON.parse(res.body!).body.value, { b: true });
  });

  const hostile: Array<[string, string, string, number]> = [
    ['malformed JSON', '{"a":', 'application/json', 400],
    ['a JSON bomb of nesting', '['.repeat(2000), 'application/json', 413],
    ['an oversized form', `a=${'x'.repeat(2000)}`, 'application/x-www-form-urlencoded', 413],
  ];
  for (const [name, body, type, status] of hostile) {
    test(`refuses ${name} with ${status}`, async () => {
      const res = await post(body, type);
      assert.equal(res.statusCode, status);
      assert.equal(res.headers['content-type'], 'application/problem+json');
    });
  }

  test('refuses a body that is not UTF-8', async () => {
    const res = await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), 'application/json', { isBase64Encoded: true });
    assert.equal(res.statusCode, 400);
  });
});
