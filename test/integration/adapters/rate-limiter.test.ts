import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { createRateLimiter } from '../../../shared/adapters/dynamodb/session-store.ts';
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
