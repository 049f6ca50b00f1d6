import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ConfigError, placeholderMailFrom, readConfig } from '../../infra/config.ts';
import { certificateIn, siemSecretArn, splunkContext } from './synth.ts';

const read = (context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => readConfig({ tryGetContext: (key) => context[key] }, env);

test('defaults: stage dev, one-year retention, daily rotation, no edge, placeholder sender', () => {
  const config = read({});
  assert.equal(config.stage, 'dev');
  assert.equal(config.logRetentionDays, RetentionDays.ONE_YEAR);
  assert.equal(config.rotationSchedule, 'rate(1 day)');
  assert.equal(config.edge, false);
  assert.equal(config.sender, undefined);
  assert.equal(config.mailFrom, placeholderMailFrom);
  assert.equal(config.customDomain, undefined);
  assert.equal(config.siem, undefined);
});

test('reads CLI strings the way cdk.json values read (-c edge=true -c logRetentionDays=30)', () => {
  const config = read({ edge: 'true', logRetentionDays: '30', region: 'eu-west-1' });
  assert.equal(config.edge, true);
  assert.equal(config.logRetentionDays, RetentionDays.ONE_MONTH);
});

test('falls back to the CLI environment for account and region', () => {
  const config = read({}, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-central-1' });
  assert.equal(config.account, '123456789012');
  assert.equal(config.region, 'eu-central-1');
});

test('a sender domain is verified whole and mail goes from no-reply@ it', () => {
  assert.deepEqual(read({ senderEmail: 'acme.example' }).sender, { identity: 'acme.example', identityKind: 'domain' });
  assert.equal(read({ senderEmail: 'acme.example' }).mailFrom, 'no-reply@acme.example');
  assert.equal(read({ senderEmail: 'login@acme.example' }).mailFrom, 'login@acme.example');
});

test('SIEM settings are read together, with the default webhook header', () => {
  assert.deepEqual(read({ ...splunkContext, siemKind: 'webhook' }).siem, {
    endpoint: splunkContext.siemEndpoint,
    kind: 'webhook',
    secretArn: siemSecretArn,
    apiKeyHeader: 'x-api-key',
  });
});

const invalid: ReadonlyArray<[string, Record<string, unknown>, RegExp]> = [
  ['a stage with capitals', { stage: 'Prod' }, /stage/],
  ['a retention CloudWatch does not offer', { logRetentionDays: 42 }, /logRetentionDays/],
  ['edge that is not a boolean', { edge: 'yes' }, /edge/],
  ['edge without a region', { edge: true }, /explicit region/],
  ['a domain without a certificate', { domainName: 'id.example.org' }, /go together/],
  ['a certificate that is not an ACM ARN', { domainName: 'id.example.org', certificateArn: 'arn:aws:iam::1:x' }, /ACM certificate/],
  [
    'an edge certificate outside us-east-1',
    { edge: true, region: 'eu-west-1', domainName: 'id.example.org', certificateArn: certificateIn('eu-west-1') },
    /us-east-1/,
  ],
  [
    "an API certificate outside the stack's region",
    { region: 'eu-west-1', domainName: 'id.example.org', certificateArn: certificateIn('us-east-1') },
    /stack's region/,
  ],
  ['a sender that is neither address nor domain', { senderEmail: 'not an address' }, /senderEmail/],
  ['a SIEM endpoint alone', { siemEndpoint: splunkContext.siemEndpoint }, /go together/],
  ['a plain-HTTP SIEM endpoint', { ...splunkContext, siemEndpoint: 'http://splunk.example.org/services/collector' }, /https/],
  ['an unknown SIEM kind', { ...splunkContext, siemKind: 'syslog' }, /splunk-hec or webhook/],
  ['a SIEM secret that is not a Secrets Manager ARN', { ...splunkContext, siemSecretArn: 'hec-token' }, /Secrets Manager/],
  ['a rotation schedule that is not rate() or cron()', { rotationSchedule: 'every day' }, /rotationSchedule/],
];

for (const [what, context, message] of invalid) {
  test(`rejects ${what}`, () => {
    assert.throws(() => read(context), (error: unknown) => error instanceof ConfigError && message.test(error.message));
  });
}
