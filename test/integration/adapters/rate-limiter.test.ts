import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { createRateLimiter } from '../../../shared/adapters/dynamodb/rate-limiter.ts';
import { tableNamesFromEnvironment } from '../../../shared/adapters/dynamodb/table-names.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';

before(useSharedRuntimeEnvironment);

test('a burst straddling a window boundary gets no more than the limit', async () => {
  const limiter = createRateLimiter(createDocumentClient(), tableNamesFromEnvironment());
  const key = `test#${randomUUID()}`;
  const boundary = Math.ceil(Date.now() / 60_000) * 60_000;
  const results: boolean[] = [];
  for (let i = 0; i < 10; i++) results.push((await limiter.hit(key, 10, 60, boundary - 1000)).allowed);
  for (let i = 0; i < 10; i++) results.push((await limiter.hit(key, 10, 60, boundary + 1000)).allowed);
  assert.equal(results.filter(Boolean).length, 10);
});

test('the previous window weighs less as it recedes', async () => {
  const limiter = createRateLimiter(createDocumentClient(), tableNamesFromEnvironment());
  const key = `test#${randomUUID()}`;
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  for (let i = 0; i < 10; i++) await limiter.hit(key, 10, 60, start + 1000);
  const late = await limiter.hit(key, 10, 60, start + 60_000 + 54_000);
  assert.equal(late.allowed, true, 'one hit plus a tenth of ten is within ten');
  const early = await limiter.hit(`${key}x`, 10, 60, start);
  assert.equal(early.allowed, true);
  assert.ok(late.retryAfterSeconds >= 1 && late.retryAfterSeconds <= 60);
});

test('counts every hit once when callers race, across instances and window changes', async () => {
  const client = createDocumentClient();
  const tables = tableNamesFromEnvironment();
  // Two warm instances (each with its own memory of the key) and a third that never saw it.
  const [a, b, c] = [createRateLimiter(client, tables), createRateLimiter(client, tables), createRateLimiter(client, tables)];
  const key = `test#${randomUUID()}`;
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  const burst = async (at: number, n: number) => (await Promise.all(Array.from({ length: n }, (_, i) => [a, b, c][i % 3]!.hit(key, 1000, 60, at)))).filter((r) => r.allowed).length;
  assert.equal(await burst(start + 1_000, 30), 30);
  // Thirty hits in the window just passed, weighted 0.5 halfway through the next: 40 + 15 = 55 counted, so a limit of 54 refuses the 40th.
  const next = start + 60_000 + 30_000;
  const results = [];
  for (let i = 0; i < 40; i++) results.push(await [a, b, c][i % 3]!.hit(key, 54, 60, next));
  assert.deepEqual(results.map((r) => r.allowed).lastIndexOf(true), 38);
  // Two windows on, the old hits no longer count.
  assert.equal((await c.hit(key, 1, 60, start + 180_000)).allowed, true);
});

test('answers from one conditional update in the usual case', async () => {
  const client = createDocumentClient();
  let updates = 0;
  client.middlewareStack.add((next) => async (args) => {
    updates++;
    return next(args);
  }, { step: 'initialize', name: 'countUpdates' });
  const limiter = createRateLimiter(client, tableNamesFromEnvironment());
  const key = `test#${randomUUID()}`;
  const start = Math.floor(Date.now() / 60_000) * 60_000;
  for (let i = 0; i < 5; i++) await limiter.hit(key, 10, 60, start + 1_000);
  assert.equal(updates, 5, 'a new key and four more hits in its window');
  await limiter.hit(key, 10, 60, start + 61_000);
  assert.equal(updates, 6, 'the first hit of the next window');
});
