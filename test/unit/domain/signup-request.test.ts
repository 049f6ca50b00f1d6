import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldProblems, signupRequestSchema } from '../../../shared/domain/tenants/signup.ts';

const valid = { organizationName: ' Acme Corp ', tenant: 'Acme-Corp', adminName: 'Ada', adminEmail: ' ada@example.com ', adminPassword: 'x' };

test('trims text, lowercases the slug, keeps the password as typed', () => {
  const parsed = signupRequestSchema.parse({ ...valid, adminPassword: '  spaced  ' });
  assert.equal(parsed.organizationName, 'Acme Corp');
  assert.equal(parsed.tenant, 'acme-corp');
  assert.equal(parsed.adminEmail, 'ada@example.com');
  assert.equal(parsed.adminPassword, '  spaced  ');
});

test('names each problem by its field', () => {
  const result = signupRequestSchema.safeParse({ tenant: 'a', adminEmail: 'nope' });
  assert.equal(result.success, false);
  const problems = fieldProblems(result.error!);
  assert.deepEqual(Object.keys(problems).sort(), ['adminEmail', 'adminName', 'adminPassword', 'organizationName', 'tenant']);
});

test('ignores fields it does not know', () => {
  const parsed = signupRequestSchema.parse({ ...valid, status: 'active', isAdmin: true });
  assert.equal('status' in parsed, false);
});
