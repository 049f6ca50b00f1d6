import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tables } from '../../infra/tables.ts';
import { logicalIdAt, synthesize } from './synth.ts';

const { template } = synthesize();
const resources = template.toJSON()['Resources'];

test('one on-demand table per definition in infra/tables.ts', () => {
  template.resourceCountIs('AWS::DynamoDB::GlobalTable', tables.length);
  template.allResourcesProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST' });
});

for (const definition of tables) {
  test(`${definition.id}: keys, indexes, TTL, stream, recovery and protection as defined`, () => {
    const table = resources[logicalIdAt(template, `identity-dev/Data/${definition.id}/Resource`)];
    const properties = table.Properties;
    assert.deepEqual(properties.KeySchema, [
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      { AttributeName: definition.sortKey, KeyType: 'RANGE' },
    ]);
    assert.ok(properties.AttributeDefinitions.every((attribute: { AttributeType: string }) => attribute.AttributeType === 'S'));
    assert.deepEqual(
      properties.GlobalSecondaryIndexes,
      definition.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    assert.deepEqual(
      properties.TimeToLiveSpecification,
      definition.timeToLiveAttribute ? { AttributeName: definition.timeToLiveAttribute, Enabled: true } : undefined,
    );
    assert.deepEqual(properties.StreamSpecification, definition.stream ? { StreamViewType: definition.stream } : undefined);
    const [replica] = properties.Replicas;
    assert.equal(replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, definition.pointInTimeRecovery);
    assert.equal(replica.DeletionProtectionEnabled, definition.deletionProtection);
  });
}

test('the Audit stream carries new images only (the pipe needs no old state)', () => {
  template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  });
});

test('Directory and Audit survive stack deletion; ephemeral tables do not', () => {
  for (const id of ['Directory', 'Audit']) {
    const table = resources[logicalIdAt(template, `identity-dev/Data/${id}/Resource`)];
    assert.equal(table.DeletionPolicy, 'Retain', id);
    assert.equal(table.UpdateReplacePolicy, 'Retain', id);
  }
  for (const id of ['Sessions', 'SessionIndex']) {
    assert.equal(resources[logicalIdAt(template, `identity-dev/Data/${id}/Resource`)].DeletionPolicy, 'Delete', id);
  }
});

test('tables are encrypted with the AWS-managed key, so no table grant needs a KMS permission', () => {
  for (const definition of tables) {
    const properties = resources[logicalIdAt(template, `identity-dev/Data/${definition.id}/Resource`)].Properties;
    assert.deepEqual(properties.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' }, definition.id);
    assert.equal(properties.Replicas[0].SSESpecification, undefined, definition.id);
  }
});
