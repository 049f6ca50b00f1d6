import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localConfigFromEnvironment } from '../../../infra/local/config.ts';

describe('the local runtime settings', () => {
  test('keep DynamoDB Local tables on disk unless told to hold them in memory', () => {
    assert.equal(localConfigFromEnvironment({}).dynamodbStorage, 'disk');
    assert.equal(localConfigFromEnvironment({ DYNAMODB_STORAGE: 'memory' }).dynamodbStorage, 'memory');
    assert.throws(() => localConfigFromEnvironment({ DYNAMODB_STORAGE: 'tmpfs' }), /DYNAMODB_STORAGE must be disk or memory/);
  });

  test('put the stand-ins on the two ports after PORT', () => {
    const config = localConfigFromEnvironment({ PORT: '4100' });
    assert.equal(config.dynamodbPort, 4101);
    assert.equal(config.sesPort, 4102);
    assert.throws(() => localConfigFromEnvironment({ PORT: '70000' }), /PORT must be a port number/);
  });
});
