/**
 * JWT signing through the key service's cached path (tenant keys read and opened once per
 * TTL) against a bare `jose` sign loop with the same private key, in the same run, batches
 * interleaved so both see the same machine. Also counts key-service (KMS or local keystore)
 * calls per 10,000 signatures.
 */
import { SignJWT } from 'jose';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { createSigningKeyStore } from '../../shared/adapters/dynamodb/signing-key-store.ts';
import type { DataKeySource } from '../../shared/adapters/kms/data-key-source.ts';
import { createEnvelopeVault } from '../../shared/adapters/kms/envelope-vault.ts';
import { createLocalKeystore } from '../../shared/adapters/kms/local-keystore.ts';
import { createKeyService } from '../../shared/domain/keys/key-service.ts';
import { rotateTenantKeys } from '../../shared/domain/keys/rotate-keys.ts';
import type { SigningAlgorithm } from '../../shared/domain/keys/signing-key.ts';
import { createSecureVault } from '../../shared/domain/secrets/secure-vault.ts';
import { createPrivateKey } from 'node:crypto';
import { startRuntime } from '../support/runtime.ts';
import { seedTenant } from '../support/tenants.ts';
import { against, type BenchResult } from './report.ts';

const batches = 10;
const perBatch: Record<SigningAlgorithm, number> = { ES256: 2000, RS256: 400 };

export async function run(): Promise<BenchResult[]> {
  const runtime = await startRuntime();
  try {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const db = createDocumentClient(runtime.dynamodbEndpoint);
    const store = createSigningKeyStore(db, { directory: 'Directory', sessions: 'Sessions', sessionIndex: 'SessionIndex', audit: 'Audit' }, 365);
    const keystore = createLocalKeystore(`${runtime.dataDir}/keystore.json`);
    let keyServiceCalls = 0;
    const counted: DataKeySource = {
      generate: (s) => (keyServiceCalls++, keystore.generate(s)),
      unwrap: (w, s) => (keyServiceCalls++, keystore.unwrap(w, s)),
      check: () => keystore.check(),
    };
    const vault = createEnvelopeVault(counted);
    const tenant = await seedTenant(db);
    await rotateTenantKeys({ store, vault }, tenant.id);
    keyServiceCalls = 0;

    const service = createKeyService({ store, vault });
    const payload = { iss: `${runtime.url}/t/${tenant.slug}`, sub: 'user-1', aud: 'client-1', iat: 1_800_000_000, exp: 1_800_000_300 };
    const results: BenchResult[] = [];

    for (const alg of ['ES256', 'RS256'] as const) {
      // The bare loop signs with the very key the service uses, opened here once.
      const { keyrings, keys } = await store.load(tenant.id);
      const kid = keyrings[alg]!.entries.find((e) => e.state === 'active')!.kid;
      const der = await createSecureVault(vault).open('signing-key', tenant.id, kid, keys.get(kid)!.sealedPrivateKey);
      const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
      const bare = () => new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
      const cached = () => service.signJwt(tenant.id, payload, { alg });
      await cached();
      await bare();
      keyServiceCalls = 0;

      let cachedMs = 0;
      let bareMs = 0;
      for (let b = 0; b < batches; b++) {
        let t = performance.now();
        for (let i = 0; i < perBatch[alg]; i++) await cached();
        cachedMs += performance.now() - t;
        t = performance.now();
        for (let i = 0; i < perBatch[alg]; i++) await bare();
        bareMs += performance.now() - t;
      }
      const n = batches * perBatch[alg];
      const callsPer10k = (keyServiceCalls / n) * 10_000;
      results.push(
        against({ name: `${alg} signatures/s, cached key service`, value: (n / cachedMs) * 1000, unit: 'sig/s' }, 'bare jose loop', (n / bareMs) * 1000),
        { name: `${alg} key-service calls per 10,000 signatures`, value: callsPer10k, unit: 'calls', note: `${keyServiceCalls} calls over ${n} signatures within one 60 s cache period` },
      );
    }
    db.destroy();
    return results;
  } finally {
    await runtime.stop();
  }
}
