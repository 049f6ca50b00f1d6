import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { createSigningKeyStore } from '../../../shared/adapters/dynamodb/signing-key-store.ts';
import { createEnvelopeVault } from '../../../shared/adapters/kms/envelope-vault.ts';
import { createLocalKeystore } from '../../../shared/adapters/kms/local-keystore.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { startRuntime, type RuntimeProcess } from '../../support/runtime.ts';
import { seedTenant } from '../../support/tenants.ts';
import { eventually } from '../../support/wait.ts';

/** Every log the runtime wrote: its console (the functions' logs) and the files beside the data. */
function allLogs(runtime: RuntimeProcess): string {
  const files = readdirSync(runtime.dataDir)
    .filter((name) => name !== 'dynamodb' && name !== 'keystore.json')
    .map((name) => join(runtime.dataDir, name))
    .filter((path) => statSync(path).isFile());
  return [runtime.output(), ...files.map((path) => readFileSync(path, 'utf8'))].join('\n');
}

describe('no secret reaches a log', () => {
  let runtime: RuntimeProcess;
  before(async () => {
    runtime = await startRuntime({ env: { KEY_ROTATION_INTERVAL_MS: '300', POWERTOOLS_LOG_LEVEL: 'DEBUG', AUDIT_POLL_MS: '100' } });
  });
  after(async () => {
    await runtime?.stop();
  });

  test('the scheduler rotates a new tenant’s keys through the keys function, and its logs hold no private key or master key', async () => {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const db = createDocumentClient(runtime.dynamodbEndpoint);
    const tenant = await seedTenant(db);
    const jwks = await eventually('the scheduled rotation', async () => {
      const res = await fetch(`${runtime.url}/t/${tenant.slug}/oauth2/jwks`);
      const body = res.ok ? ((await res.json()) as { keys: unknown[] }) : undefined;
      return body && body.keys.length === 4 ? body : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- runtime output ---\n${runtime.output().slice(-3000)}`);
    });
    assert.equal(jwks.keys.length, 4);
    const auditLines = () => readFileSync(join(runtime.dataDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; tenant: string });
    await eventually('the key.created audit events in the audit log', () =>
      auditLines().filter((e) => e.type === 'key.created' && e.tenant === tenant.id).length === 4 ? true : undefined,
    );

    const tables = { directory: 'Directory', sessions: 'Sessions', sessionIndex: 'SessionIndex', audit: 'Audit' };
    const { keys } = await createSigningKeyStore(db, tables, 365).load(tenant.id);
    const keystoreFile = join(runtime.dataDir, 'keystore.json');
    const vault = createSecureVault(createEnvelopeVault(createLocalKeystore(keystoreFile)));
    const secrets: string[] = [JSON.parse(readFileSync(keystoreFile, 'utf8')).masterKey];
    for (const key of keys.values()) {
      const der = Buffer.from(await vault.open('signing-key', tenant.id, key.kid, key.sealedPrivateKey));
      const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      const jwk = privateKey.export({ format: 'jwk' });
      secrets.push(jwk.d!, der.toString('base64').slice(40, 100));
      const pemLines = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n').filter((l) => l.length > 40);
      secrets.push(...pemLines.slice(1, 3));
    }
    const logs = allLogs(runtime);
    assert.ok(logs.length > 0);
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'a secret appears in the logs');
    db.destroy();
  });
});
