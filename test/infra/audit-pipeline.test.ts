import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { logicalIdAt, splunkContext, synthesize, webhookContext } from './synth.ts';

const plain = synthesize({ logRetentionDays: 90 });
const splunk = synthesize(splunkContext);
const webhook = synthesize({ ...webhookContext, siemApiKeyHeader: 'x-siem-key' });

const { template } = plain;
const resources = template.toJSON()['Resources'];
const bus = logicalIdAt(template, 'identity-dev/Audit/Bus/Resource');
const auditTable = logicalIdAt(template, 'identity-dev/Data/Audit/Resource');
const pipeDeadLetters = logicalIdAt(template, 'identity-dev/Audit/PipeDeadLetters/Resource');
const auditPattern = { source: ['identity-platform.audit'], 'detail-type': ['AuditEvent'] };

test('a custom event bus carries the audit events', () => {
  template.hasResourceProperties('AWS::Events::EventBus', { Name: 'identity-dev-audit' });
});

test('a pipe takes new Audit events (INSERT of EVENT# items only, not digests) from the table stream to the bus', () => {
  template.hasResourceProperties('AWS::Pipes::Pipe', {
    Source: { 'Fn::GetAtt': [auditTable, 'StreamArn'] },
    SourceParameters: {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { sk: { S: [{ prefix: 'EVENT#' }] } } } }) }] },
      DynamoDBStreamParameters: {
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [pipeDeadLetters, 'Arn'] } },
        MaximumRetryAttempts: Match.anyValue(),
      },
    },
    Target: { 'Fn::GetAtt': [bus, 'Arn'] },
    TargetParameters: { EventBridgeEventBusParameters: { Source: 'identity-platform.audit', DetailType: 'AuditEvent' } },
  });
});

test('the pipe role reads this stream, puts events on this bus and reaches its DLQ, nothing more', () => {
  const role = logicalIdAt(template, 'identity-dev/Audit/PipeRole/Resource');
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
  const statements = policy!['Properties'].PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
  const byAction = new Map(statements.flatMap((statement) => [statement.Action].flat().map((action) => [action, statement.Resource])));
  assert.deepEqual([...byAction.keys()].sort(), [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'events:PutEvents',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:SendMessage',
  ]);
  assert.deepEqual(byAction.get('dynamodb:GetRecords'), { 'Fn::GetAtt': [auditTable, 'StreamArn'] });
  assert.deepEqual(byAction.get('events:PutEvents'), { 'Fn::GetAtt': [bus, 'Arn'] });
  assert.deepEqual(byAction.get('sqs:SendMessage'), { 'Fn::GetAtt': [pipeDeadLetters, 'Arn'] });
});

test('dead-letter queues are encrypted and refuse plain HTTP', () => {
  template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: pipeDeadLetters }],
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    },
  });
});

test('a rule sends every audit event to a KMS-encrypted log group with the configured retention', () => {
  const logGroup = logicalIdAt(template, 'identity-dev/Audit/AuditLog/Resource');
  const logKey = logicalIdAt(template, 'identity-dev/Audit/LogKey/Resource');
  template.hasResourceProperties('AWS::Logs::LogGroup', {
    LogGroupName: '/aws/events/identity-dev/audit',
    RetentionInDays: RetentionDays.THREE_MONTHS,
    KmsKeyId: { 'Fn::GetAtt': [logKey, 'Arn'] },
  });
  template.hasResourceProperties('AWS::Events::Rule', {
    EventBusName: { Ref: bus },
    EventPattern: auditPattern,
    Targets: [Match.objectLike({ Arn: Match.stringLikeRegexp(':log-group:/aws/events/identity-dev/audit$') })],
  });
  template.hasResourceProperties('AWS::Logs::ResourcePolicy', {
    PolicyDocument: Match.serializedJson(
      Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: Match.arrayWith(['events.amazonaws.com']) } })] }),
    ),
  });
  assert.ok(resources[logGroup]);
});

test("the log key lets CloudWatch Logs use it for this log group only, and rotates", () => {
  const logKey = resources[logicalIdAt(template, 'identity-dev/Audit/LogKey/Resource')];
  assert.equal(logKey.Properties.EnableKeyRotation, true);
  const logs = logKey.Properties.KeyPolicy.Statement.find((statement: { Principal: { Service?: string } }) => statement.Principal.Service === 'logs.eu-west-1.amazonaws.com');
  assert.ok(logs, 'the logs service principal is in the key policy');
  assert.match(JSON.stringify(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']), /log-group:\/aws\/events\/identity-dev\/audit/);
});

test('without SIEM context there is no connection, API destination or SIEM rule (the log rule and the consumer rule only)', () => {
  template.resourceCountIs('AWS::Events::Connection', 0);
  template.resourceCountIs('AWS::Events::ApiDestination', 0);
  template.resourceCountIs('AWS::Events::Rule', 2);
});

test('tenant SIEM sinks: every audit event ─▶ an encrypted queue with a DLQ ─▶ the audit function, which reports failed items', () => {
  const queue = logicalIdAt(template, 'identity-dev/Audit/ConsumerQueue/Resource');
  const deadLetters = logicalIdAt(template, 'identity-dev/Audit/ConsumerDeadLetters/Resource');
  template.hasResourceProperties('AWS::Events::Rule', {
    EventBusName: { Ref: bus },
    EventPattern: auditPattern,
    Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } })],
  });
  assert.deepEqual(resources[queue].Properties.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 10 });
  assert.equal(resources[queue].Properties.VisibilityTimeout, 360, 'six times the function timeout');
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    BatchSize: 10,
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: queue }],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('Splunk HEC: the connection sends "Authorization: Splunk <token>" from the secret', () => {
  splunk.template.hasResourceProperties('AWS::Events::Connection', {
    AuthorizationType: 'API_KEY',
    AuthParameters: {
      ApiKeyAuthParameters: {
        ApiKeyName: 'Authorization',
        ApiKeyValue: `Splunk {{resolve:secretsmanager:${splunkContext.siemSecretArn}:SecretString:::}}`,
      },
    },
  });
  splunk.template.hasResourceProperties('AWS::Events::ApiDestination', {
    InvocationEndpoint: splunkContext.siemEndpoint,
    HttpMethod: 'POST',
  });
});

test('Splunk HEC: the rule shapes an HEC event from the new image, with retries and a DLQ', () => {
  const rule = Object.values(splunk.template.findResources('AWS::Events::Rule', { Properties: { Targets: [Match.objectLike({ InputTransformer: Match.anyValue() })] } }));
  assert.equal(rule.length, 1);
  const [target] = rule[0]!['Properties'].Targets;
  assert.deepEqual(rule[0]!['Properties'].EventPattern, auditPattern);
  const paths = target.InputTransformer.InputPathsMap as Record<string, string>;
  assert.deepEqual(
    Object.values(paths).sort(),
    [
      '$.detail.dynamodb.ApproximateCreationDateTime',
      ...['id', 'outcome', 'tenant', 'time', 'type'].map((field) => `$.detail.dynamodb.NewImage.${field}.S`),
    ].sort(),
  );
  const placeholder = (path: string) => `<${Object.keys(paths).find((key) => paths[key] === path)}>`;
  const inputTemplate = target.InputTransformer.InputTemplate as string;
  const body = JSON.parse(inputTemplate.replace(/<([^>]+)>/g, (_, key: string) => JSON.stringify(key)));
  assert.equal(body.source, 'identity-platform');
  assert.equal(body.sourcetype, '_json');
  assert.deepEqual(Object.keys(body.event).sort(), ['id', 'outcome', 'tenant', 'time', 'type']);
  assert.ok(inputTemplate.includes(`"time":${placeholder('$.detail.dynamodb.ApproximateCreationDateTime')}`), 'HEC time is the epoch of the stream record');
  assert.ok(inputTemplate.includes(`"tenant":${placeholder('$.detail.dynamodb.NewImage.tenant.S')}`));
  assert.ok(target.RetryPolicy.MaximumRetryAttempts > 0);
  assert.deepEqual(target.DeadLetterConfig.Arn, { 'Fn::GetAtt': [logicalIdAt(splunk.template, 'identity-dev/Audit/SiemDeadLetters/Resource'), 'Arn'] });
});

test('webhook: the connection sends the secret as an API key header, the body is the flat event', () => {
  webhook.template.hasResourceProperties('AWS::Events::Connection', {
    AuthParameters: {
      ApiKeyAuthParameters: { ApiKeyName: 'x-siem-key', ApiKeyValue: `{{resolve:secretsmanager:${webhookContext.siemSecretArn}:SecretString:::}}` },
    },
  });
  webhook.template.hasResourceProperties('AWS::Events::ApiDestination', { InvocationEndpoint: webhookContext.siemEndpoint });
  webhook.template.hasResourceProperties('AWS::Events::Rule', {
    Targets: [
      Match.objectLike({
        InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('^\\{"source":"identity-platform","id":<.*"outcome":<[^>]+>\\}$') }),
      }),
    ],
  });
});
