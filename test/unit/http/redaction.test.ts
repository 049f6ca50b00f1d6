import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from '../../../shared/http/redaction.ts';

test('the log replacer hides values under secret-looking keys and keeps the rest', () => {
  const line = JSON.stringify(
    {
      user: 'ada', password: 'hunter2', client_secret: 's3cr3t', refresh_token: 'rt', authorization: 'Bearer x',
      code: 'abc', code_verifier: 'v', cookie: 'sid=1', nested: { privateKey: 'pk', d: 'jwk-d', status: 401 },
    },
    redactSecrets,
  );
  for (const secret of ['hunter2', 's3cr3t', '"rt"', 'Bearer x', '"abc"', '"v"', 'sid=1', '"pk"', 'jwk-d']) assert.ok(!line.includes(secret), secret);
  assert.match(line, /"user":"ada"/);
  assert.match(line, /"status":401/);
});
