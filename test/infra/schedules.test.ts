import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { functionLogicalId, logicalIdAt, synthesize } from './synth.ts';

const { template } = synthesize({ rotationSchedule: 'cron(0 3 * * ? *)' });
const keys = functionLogicalId(template, 'keys');

test('EventBridge Scheduler invokes the keys function on the rotation schedule, with retries and a DLQ', () => {
  const deadLetters = logicalIdAt(template, 'identity-dev/Schedules/DeadLetters/Resource');
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(0 3 * * ? *)',
    State: 'ENABLED',
    Target: {
      Arn: { 'Fn::GetAtt': [keys, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
    },
  });
});

test('EventBridge Scheduler invokes the audit function hourly to seal audit digests, with retries and the same DLQ', () => {
  const deadLetters = logicalIdAt(template, 'identity-dev/Schedules/DeadLetters/Resource');
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'rate(1 hour)',
    Target: { Arn: { 'Fn::GetAtt': [functionLogicalId(template, 'audit'), 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } } },
  });
});

test('the default rotation schedule is daily', () => {
  synthesize().template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 day)' });
});

test('the scheduler role can invoke the keys and audit functions and reach its DLQ, nothing else', () => {
  const role = logicalIdAt(template, 'identity-dev/Schedules/InvokeRole/Resource');
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
  const actions = policy!['Properties'].PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => [statement.Action].flat()).sort();
  assert.deepEqual(actions, ['lambda:InvokeFunction', 'sqs:SendMessage']);
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': Match.anyValue() }) } })],
    },
  });
});

test('the keys function has no HTTP route: only the scheduler reaches it', () => {
  const permissions = template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: { 'Fn::GetAtt': [keys, 'Arn'] } } });
  assert.deepEqual(Object.keys(permissions), []);
});
