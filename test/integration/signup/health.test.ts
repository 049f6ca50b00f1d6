import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createSignupFunction } from '../../../functions/signup/app.ts';
import { createDataStore } from '../../../shared/adapters/dynamodb/data-store.ts';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment, type PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { KeyServiceUnavailable } from '../../../shared/domain/ports/key-vault.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { httpEvent, testContext } from '../../support/events.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';

before(useSharedRuntimeEnvironment);

const healthOf = async (ports: () => PlatformPorts) => {
  const res = await createSignupFunction(ports)(httpEvent({ routeKey: 'GET /health' }), testContext('signup'));
  return { status: res.statusCode, body: JSON.parse(res.body!), headers: res.headers };
};

describe('GET /health', () => {
  test('through the gateway: 200, every check up, not cached', async () => {
    const res = await fetch(`${sharedRuntime.url}/health`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json();
    assert.deepEqual(Object.keys(body.checks).sort(), ['dynamodb', 'keystore', 'mail']);
  });

  test('answers 503 naming DynamoDB when it is unreachable', async () => {
    const { status, body } = await healthOf(() => {
      const ports = portsFromEnvironment();
      const nowhere = createDocumentClient('http://127.0.0.1:9');
      return { ...ports, dataStore: createDataStore(nowhere, ports.tables) };
    });
    assert.equal(status, 503);
    assert.equal(body.status, 'unavailable');
    assert.deepEqual(body.checks.dynamodb.status, 'down');
    assert.equal(body.checks.dynamodb.reason, 'unreachable');
    assert.equal(body.checks.mail.status, 'up');
    assert.equal(body.checks.keystore.status, 'up');
  });

  test('answers 503 naming the keystore when KMS fails (injected fault)', async () => {
    const { status, body } = await healthOf(() => {
      const ports = portsFromEnvironment();
      return { ...ports, keyVault: { ...ports.keyVault, check: () => Promise.reject(new KeyServiceUnavailable('injected')) } };
    });
    assert.equal(status, 503);
    assert.equal(body.checks.keystore.status, 'down');
    assert.equal(body.checks.dynamodb.status, 'up');
  });

  test('answers 503 naming mail when SES hangs, within its time limit', async () => {
    const started = Date.now();
    const { status, body } = await healthOf(() => {
      const ports = portsFromEnvironment();
      return { ...ports, mailer: { ...ports.mailer, check: () => new Promise<void>(() => {}) } };
    });
    assert.equal(status, 503);
    assert.equal(body.checks.mail.status, 'down');
    assert.equal(body.checks.mail.reason, 'timed out');
    assert.ok(Date.now() - started < 10_000);
  });

  test('never reveals endpoints or error messages', async () => {
    const { body } = await healthOf(() => {
      const ports = portsFromEnvironment();
      return { ...ports, mailer: { ...ports.mailer, check: () => Promise.reject(new Error('connect to https://email.internal:443 with key AKIA123 failed')) } };
    });
    assert.doesNotMatch(JSON.stringify(body), /internal|AKIA|https/);
  });
});
