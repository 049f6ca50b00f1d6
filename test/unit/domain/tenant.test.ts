import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidTenantSlug } from '../../../shared/domain/tenants/tenant.ts';

test('tenant slugs are 3–40 lowercase letters, digits and inner hyphens', () => {
  for (const ok of ['acme', 'a1b', 'acme-corp', 'x'.repeat(40), '123']) assert.ok(isValidTenantSlug(ok), ok);
  for (const bad of ['ab', 'x'.repeat(41), 'Acme', '-acme', 'acme-', 'ac--me', 'ac_me', 'ac me', 'acme\n', 'ácme', '']) {
    assert.ok(!isValidTenantSlug(bad), JSON.stringify(bad));
  }
});

test('reserved words are not tenant slugs', () => {
  for (const reserved of ['api', 'admin', 'signup', 'www', 'console', 'login']) assert.ok(!isValidTenantSlug(reserved), reserved);
});
