import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpFunctions } from '../../infra/functions.ts';
import { synthesize } from './synth.ts';

const { template } = synthesize({ stage: 'dev' });
const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));

/** The dashboard's widgets, with CloudFormation references replaced by a placeholder. */
function widgets(): Array<{ properties: { title?: string; metrics?: unknown[][] } }> {
  const parts = dashboards[0]!['Properties'].DashboardBody['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'REF')).join('')).widgets;
}
const metrics = () => widgets().flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === 'string').join(' '));

test('one CloudWatch dashboard for the stage', () => {
  assert.equal(dashboards.length, 1);
  assert.equal(dashboards[0]!['Properties'].DashboardName, 'identity-dev');
});

test('it charts sign-ins, second factors, lockouts and tokens from the audit function’s per-type metrics', () => {
  for (const type of ['signin.success', 'signin.failure', 'mfa.success', 'user.locked', 'token.issued', 'token.reuse_detected']) {
    assert.ok(metrics().includes(`IdentityPlatform AuditEvents eventType ${type} service audit`), type);
  }
});

test('it charts HTTP errors of every function and the audit pipeline’s health', () => {
  for (const { name } of httpFunctions) assert.ok(metrics().includes(`IdentityPlatform Responses5xx service ${name}`), name);
  assert.ok(metrics().includes('IdentityPlatform SiemDeliveryFailures service audit'));
  assert.ok(metrics().some((m) => m.startsWith('AWS/SQS ApproximateNumberOfMessagesVisible')));
  assert.ok(metrics().includes('IdentityPlatform AuditPeriodsSealed service audit'));
});
