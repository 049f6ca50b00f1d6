import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordExpired } from '../../../shared/domain/auth/password-login.ts';

test('a password expires only under a maximum age, once it is older than that', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  assert.equal(passwordExpired(undefined, '2000-01-01T00:00:00Z', now), false, 'off by default');
  assert.equal(passwordExpired(0, '2000-01-01T00:00:00Z', now), false, '0 means never');
  assert.equal(passwordExpired(90, '2026-09-03T00:00:00Z', now), false, '89 days old');
  assert.equal(passwordExpired(90, '2026-09-01T23:59:59Z', now), true, 'just past 90 days');
});
