import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordProblems } from '../../../shared/domain/users/password-policy.ts';
import { defaultTenantSettings } from '../../../shared/domain/tenants/settings.ts';

const policy = defaultTenantSettings('Acme').passwordPolicy;

test('the default policy asks for length, not composition (NIST SP 800-63B)', () => {
  assert.deepEqual(passwordProblems('correct horse battery staple', policy), []);
  assert.deepEqual(passwordProblems('alllowercaseletters', policy), []);
  assert.match(passwordProblems('short', policy).join(), /at least 12/);
  assert.match(passwordProblems('x'.repeat(129), policy).join(), /at most 128/);
});

test('counts characters, not bytes or UTF-16 units', () => {
  assert.deepEqual(passwordProblems('🔐'.repeat(12), policy), []);
  assert.match(passwordProblems('🔐'.repeat(11), policy).join(), /at least 12/);
});

test('refuses the most common breached passwords, whatever their case', () => {
  for (const common of ['qwerty123456', 'QWERTY123456', '1q2w3e4r5t6y', 'administrator']) assert.match(passwordProblems(common, policy).join(), /most common/, common);
});

test('refuses a password that is the user’s own email or name', () => {
  assert.match(passwordProblems('ada.lovelace@example.com', policy, { personal: ['ada.lovelace@example.com'] }).join(), /name or email/);
  assert.match(passwordProblems('ada.lovelace-2026!', policy, { personal: ['ada.lovelace@example.com'] }).join(), /name or email/);
});

test('composition rules apply when a tenant turns them on', () => {
  const strict = { ...policy, requireLowercase: true, requireUppercase: true, requireDigit: true, requireSymbol: true };
  assert.equal(passwordProblems('correcthorsebatterystaple', strict).length, 3);
  assert.deepEqual(passwordProblems('Correct horse battery 9!', strict), []);
});
