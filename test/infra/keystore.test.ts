import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Keystore, type KeystoreAccess } from '../../infra/constructs/keystore.ts';
import { auditFunction, httpFunctions, keysFunction } from '../../infra/functions.ts';
import { logicalIdAt, statementsOf, synthesize } from './synth.ts';

const { template } = synthesize({ stage: 'prod' });
const keystoreKey = logicalIdAt(template, 'identity-prod/Keystore/Key/Resource');
const tenantAndPurpose = { Null: { 'kms:EncryptionContext:tenant': 'false', 'kms:EncryptionContext:purpose': 'false' } };

test('the keystore is a symmetric KMS key with automatic rotation, kept when the stack goes', () => {
  template.hasResource('AWS::KMS::Key', {
    Properties: { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', EnableKeyRotation: true },
    DeletionPolicy: 'Retain',
  });
});

test('the keystore alias is alias/<stage>/identity-keystore', () => {
  template.hasResourceProperties('AWS::KMS::Alias', {
    AliasName: 'alias/prod/identity-keystore',
    TargetKeyId: { 'Fn::GetAtt': [keystoreKey, 'Arn'] },
  });
});

test('the key policy only delegates administration to the account; functions get IAM grants', () => {
  const statements = template.toJSON()['Resources'][keystoreKey].Properties.KeyPolicy.Statement;
  assert.equal(statements.length, 1);
  assert.equal(statements[0].Action, 'kms:*');
  assert.match(JSON.stringify(statements[0].Principal), /:root/);
});

for (const definition of [...httpFunctions, keysFunction, auditFunction]) {
  test(`${definition.name}: keystore access is exactly "${definition.grants.keystore ?? 'none'}", with a tenant and purpose context`, () => {
    const statements = statementsOf(template, definition.name).filter((statement) => JSON.stringify(statement.resources).includes(keystoreKey));
    const cryptographic = statements.filter((statement) => !isDescribeKey(statement.actions));
    const expected = { undefined: [], open: ['kms:Decrypt'], sealAndOpen: ['kms:Decrypt', 'kms:GenerateDataKey'] }[String(definition.grants.keystore)];
    assert.deepEqual(cryptographic.flatMap((statement) => statement.actions).sort(), expected);
    for (const statement of cryptographic) assert.deepEqual(statement.condition, tenantAndPurpose);
  });
}

const isDescribeKey = (actions: unknown) => JSON.stringify([actions].flat()) === '["kms:DescribeKey"]';

const grantedActions = (access: KeystoreAccess): string[] => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'KeystoreGrant');
  const keystore = new Keystore(stack, 'Keystore', { stage: 'test' });
  keystore.grant(new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }), access);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) =>
    policy['Properties'].PolicyDocument.Statement.flatMap((statement: { Action: string | string[]; Condition: unknown }) => {
      // The health check's DescribeKey reveals only the key's state and takes no context.
      if (isDescribeKey(statement.Action)) return [];
      assert.deepEqual(statement.Condition, tenantAndPurpose);
      return [statement.Action].flat();
    }),
  );
};

test('open grants kms:Decrypt only: no data keys can be generated', () => {
  assert.deepEqual(grantedActions('open'), ['kms:Decrypt']);
});

test('sealAndOpen grants kms:GenerateDataKey and kms:Decrypt, never Encrypt or ReEncrypt', () => {
  assert.deepEqual(grantedActions('sealAndOpen').sort(), ['kms:Decrypt', 'kms:GenerateDataKey']);
});

test('every grant includes kms:DescribeKey for the health check, and nothing else without a context', () => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'KeystoreDescribe');
  const keystore = new Keystore(stack, 'Keystore', { stage: 'test' });
  keystore.grant(new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }), 'open');
  const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy['Properties'].PolicyDocument.Statement as Array<{ Action: string | string[]; Condition?: unknown }>,
  );
  const unconditioned = statements.filter((statement) => statement.Condition === undefined);
  assert.deepEqual(unconditioned.map((statement) => statement.Action), ['kms:DescribeKey']);
});
