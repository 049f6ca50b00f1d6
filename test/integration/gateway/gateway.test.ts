import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';

describe('the local HTTP API gateway', () => {
  test('answers a path no route serves as API Gateway does: 404 Not Found', async () => {
    for (const [method, path] of [['GET', '/nope'], ['POST', '/health'], ['GET', '/health/']]) {
      const res = await fetch(`${sharedRuntime.url}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(await res.json(), { message: 'Not Found' });
    }
  });

  test('refuses a payload over API Gateway’s 10 MB limit with 413', async () => {
    const url = new URL(sharedRuntime.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/health', method: 'GET', headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024 + 1) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(Buffer.alloc(10 * 1024 * 1024 + 1, 97));
    });
    assert.equal(status, 413);
  });

  test('hands the function the caller’s correlation id and security headers come back', async () => {
    const res = await fetch(`${sharedRuntime.url}/health`, { headers: { 'x-correlation-id': 'gateway-test-0001' } });
    assert.equal(res.headers.get('x-correlation-id'), 'gateway-test-0001');
    assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  });

  test('writes an access log line per request, apart from audit events', async () => {
    const marker = `access-log-probe-${Date.now()}`;
    await fetch(`${sharedRuntime.url}/health`, { headers: { 'user-agent': marker } });
    const line = await eventually('the access log line', () =>
      readFileSync(join(sharedRuntime.dataDir, 'access.log'), 'utf8').split('\n').find((l) => l.includes(marker)),
    );
    const entry = JSON.parse(line);
    assert.equal(entry.routeKey, 'GET /health');
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.responseLatency, 'number');
  });

  test('survives a malformed request line and keeps serving', async () => {
    const url = new URL(sharedRuntime.url);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/%E0%A4%A', method: 'GET' }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
    assert.equal((await fetch(`${sharedRuntime.url}/health`)).status, 200);
  });
});
