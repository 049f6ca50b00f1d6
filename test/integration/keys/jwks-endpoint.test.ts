import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment, type PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { rotateTenantKeys } from '../../../shared/domain/keys/rotate-keys.ts';
import { createKeysFunction } from '../../../functions/keys/app.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { keysFunction } from '../../../infra/functions.ts';
import { lambdaContext } from '../../../infra/local/lambda-context.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { seedTenant, uniqueSlug } from '../../support/tenants.ts';

let ports: PlatformPorts;
before(() => {
  useSharedRuntimeEnvironment();
  ports = portsFromEnvironment();
});

const jwksOf = (slug: string, init?: RequestInit) => fetch(`${sharedRuntime.url}/t/${slug}/oauth2/jwks`, init);

describe('GET /t/{tenant}/oauth2/jwks', () => {
  test('serves the tenant’s public keys with their kid, use and alg, cacheable and CORS-open', async () => {
    const tenant = await seedTenant(createDocumentClient());
    await rotateTenantKeys({ store: ports.signingKeys, vault: ports.keyVault }, tenant.id);
    const res = await jwksOf(tenant.slug);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/jwk-set+json');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=300, stale-while-revalidate=60');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const { keys } = await res.json();
    assert.equal(keys.length, 4);
    for (const key of keys) {
      assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(key.use, 'sig');
      assert.ok(['ES256', 'RS256'].includes(key.alg));
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[member], undefined);
    }
  });

  test('each tenant publishes only its own keys', async () => {
    const db = createDocumentClient();
    const [a, b] = [await seedTenant(db), await seedTenant(db)];
    for (const t of [a, b]) await rotateTenantKeys({ store: ports.signingKeys, vault: ports.keyVault }, t.id);
    const kids = async (slug: string) => new Set(((await (await jwksOf(slug)).json()).keys as Array<{ kid: string }>).map((k) => k.kid));
    const [ka, kb] = [await kids(a.slug), await kids(b.slug)];
    assert.equal([...ka].filter((kid) => kb.has(kid)).length, 0);
  });

  for (const [name, slug] of [['unknown', () => uniqueSlug('ghost')], ['malformed', () => 'NOT_A_SLUG'], ['reserved', () => 'admin'], ['overlong', () => 'x'.repeat(300)]] as const) {
    test(`answers 404 for an ${name} tenant`, async () => {
      const res = await jwksOf(slug());
      assert.equal(res.status, 404);
      assert.equal((await res.json()).code, 'tenant_not_found');
    });
  }

  for (const status of ['pending', 'suspended'] as const) {
    test(`answers 404 for a ${status} tenant, even one that has keys`, async () => {
      const tenant = await seedTenant(createDocumentClient(), status);
      await rotateTenantKeys({ store: ports.signingKeys, vault: ports.keyVault }, tenant.id);
      assert.equal((await jwksOf(tenant.slug)).status, 404);
    });
  }

  test('is not served for other methods', async () => {
    const tenant = await seedTenant(createDocumentClient());
    assert.equal((await jwksOf(tenant.slug, { method: 'POST', body: '{}' })).status, 404);
  });
});

const keysContext = () => lambdaContext('keys', keysFunction.timeoutSeconds, keysFunction.memorySize);

describe('the keys function (scheduled rotation)', () => {
  test('gives every active tenant its keys, skips the others, and a second run changes nothing', async () => {
    const db = createDocumentClient();
    const active = await seedTenant(db);
    const pending = await seedTenant(db, 'pending');
    const run = createKeysFunction(() => ports);
    // The function visits every tenant of the shared runtime, as many as the suite has made so far: its own time limit applies.
    const first = await run(undefined, keysContext());
    assert.equal(first.failed, 0);
    assert.ok(first.rotated >= 1);
    const keyring = (await ports.signingKeys.load(active.id)).keyrings.ES256;
    assert.ok(keyring);
    assert.equal((await ports.signingKeys.load(pending.id)).keyrings.ES256, undefined);
    await run(undefined, keysContext());
    assert.equal((await ports.signingKeys.load(active.id)).keyrings.ES256?.version, keyring.version, 'a second run leaves the tenant’s keys as they are');
  });

  test('fails the run (so the scheduler retries) when a tenant cannot be rotated, after trying the rest', async () => {
    const db = createDocumentClient();
    const tenant = await seedTenant(db);
    const broken: PlatformPorts = { ...ports, keyVault: { ...ports.keyVault, seal: () => Promise.reject(new Error('injected KMS fault')) } };
    const run = createKeysFunction(() => broken);
    await assert.rejects(run(undefined, keysContext()), /signing-key rotation failed for \d+ of \d+ tenants/);
    assert.equal((await ports.signingKeys.load(tenant.id)).keyrings.ES256, undefined, 'nothing half-written');
  });
});
