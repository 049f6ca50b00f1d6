import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { KeyVault } from '../ports/key-vault.ts';
import type { SigningKeyStore, TenantKeys } from '../ports/signing-key-store.ts';
import { createSecureVault } from '../secrets/secure-vault.ts';
import { activeEntry, publishedEntries, signingAlgorithms, type KeyState, type SigningAlgorithm } from './signing-key.ts';

export interface PublicJwk extends Record<string, unknown> {
  readonly kid: string;
  readonly kty: string;
  readonly alg: SigningAlgorithm;
  readonly use: 'sig';
}

export interface SamlSigningKey {
  readonly kid: string;
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

export interface SamlCertificate {
  readonly kid: string;
  readonly state: KeyState;
  readonly certificatePem: string;
}

export interface KeyServiceOptions {
  readonly store: SigningKeyStore;
  readonly vault: KeyVault;
  /** How long a tenant's keys are used before they are read again: a rotation shows within this. */
  readonly ttlMs?: number;
  /** How long stale keys keep signing while the store or the key service cannot be reached. */
  readonly maxStaleMs?: number;
  readonly maxTenants?: number;
  readonly now?: () => number;
}

/** The key store or key service failed and no usable keys were cached: nothing may be signed. */
export class SigningKeysUnavailable extends Error {
  override name = 'SigningKeysUnavailable';
}

interface Snapshot {
  readonly loadedAt: number;
  readonly freshUntil: number;
  readonly keys: TenantKeys;
  /** The active private key of each algorithm, opened when the snapshot was taken. */
  readonly signing: ReadonlyMap<SigningAlgorithm, { kid: string; key: KeyObject }>;
}

const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');

/**
 * The signing API the protocols use (`signJwt`, `samlSigningKey`) and what relying parties
 * fetch (`jwks`). A tenant's keys are read and their active private parts opened once per
 * TTL; no key-service call per token. Only the tenant's own keys are ever used for it.
 */
export function createKeyService(options: KeyServiceOptions) {
  const ttl = options.ttlMs ?? 60_000;
  const maxStale = options.maxStaleMs ?? 60 * 60_000;
  const maxTenants = options.maxTenants ?? 500;
  const now = options.now ?? Date.now;
  const vault = createSecureVault(options.vault);
  const snapshots = new Map<string, Snapshot>();
  const loading = new Map<string, Promise<Snapshot>>();

  async function load(tenant: string, previous: Snapshot | undefined): Promise<Snapshot> {
    const keys = await options.store.load(tenant);
    const signing = new Map<SigningAlgorithm, { kid: string; key: KeyObject }>();
    for (const alg of signingAlgorithms) {
      const entry = activeEntry(keys.keyrings[alg]);
      const stored = entry && keys.keys.get(entry.kid);
      if (!stored) continue;
      const reused = previous?.signing.get(alg);
      if (reused?.kid === stored.kid) {
        signing.set(alg, reused);
        continue;
      }
      const der = await vault.open('signing-key', tenant, stored.kid, stored.sealedPrivateKey);
      signing.set(alg, { kid: stored.kid, key: createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }) });
    }
    // A tenant whose first rotation is under way (no keys yet, or one algorithm's keys committed
    // before the other's) is asked again soon, not held at a partial keyring for a whole ttl.
    const loadedAt = now();
    const complete = signing.size === signingAlgorithms.length;
    return { loadedAt, freshUntil: loadedAt + (complete ? ttl : Math.min(ttl, 1000)), keys, signing };
  }

  async function snapshot(tenant: string): Promise<Snapshot> {
    const cached = snapshots.get(tenant);
    if (cached && now() < cached.freshUntil) return cached;
    let pending = loading.get(tenant);
    if (!pending) {
      pending = load(tenant, cached).finally(() => loading.delete(tenant));
      loading.set(tenant, pending);
    }
    try {
      const fresh = await pending;
      snapshots.delete(tenant);
      snapshots.set(tenant, fresh);
      if (snapshots.size > maxTenants) snapshots.delete(snapshots.keys().next().value!);
      return fresh;
    } catch (error) {
      // Keys already in hand keep working through an outage; a cold start fails closed.
      if (cached && now() - cached.loadedAt < maxStale) return cached;
      throw new SigningKeysUnavailable(`signing keys of tenant ${tenant} are unavailable`, { cause: error });
    }
  }

  return {
    async signJwt(tenant: string, payload: JWTPayload, options: { alg?: SigningAlgorithm; typ?: string } = {}): Promise<string> {
      const alg = options.alg ?? 'ES256';
      const signer = (await snapshot(tenant)).signing.get(alg);
      if (!signer) throw new SigningKeysUnavailable(`tenant ${tenant} has no active ${alg} key`);
      return new SignJWT(payload).setProtectedHeader({ alg, kid: signer.kid, typ: options.typ ?? 'JWT' }).sign(signer.key);
    },

    /** The public keys relying parties may meet: active, next and retired, never a private member. */
    async jwks(tenant: string): Promise<{ keys: PublicJwk[] }> {
      const { keys } = await snapshot(tenant);
      const out: PublicJwk[] = [];
      for (const alg of signingAlgorithms) {
        for (const entry of publishedEntries(keys.keyrings[alg])) {
          const stored = keys.keys.get(entry.kid);
          if (!stored) continue;
          const { kty, crv, x, y, n, e } = stored.publicJwk;
          const x5c = stored.certificatePem ? pemBody(stored.certificatePem) : undefined;
          out.push({
            kty: kty!,
            ...(kty === 'EC' ? { crv, x, y } : { n, e }),
            kid: stored.kid,
            use: 'sig',
            alg,
            ...(x5c ? { x5c: [x5c], 'x5t#S256': createHash('sha256').update(Buffer.from(x5c, 'base64')).digest('base64url') } : {}),
          });
        }
      }
      return { keys: out };
    },

    /** The active RS256 key and its certificate, for signing SAML messages. */
    async samlSigningKey(tenant: string): Promise<SamlSigningKey> {
      const snap = await snapshot(tenant);
      const signer = snap.signing.get('RS256');
      const certificatePem = signer && snap.keys.keys.get(signer.kid)?.certificatePem;
      if (!signer || !certificatePem) throw new SigningKeysUnavailable(`tenant ${tenant} has no active SAML signing key`);
      return { kid: signer.kid, privateKeyPem: signer.key.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem };
    },

    /** The certificates SAML metadata publishes: the signing one, the next one and recently retired ones. */
    async samlCertificates(tenant: string): Promise<SamlCertificate[]> {
      const { keys } = await snapshot(tenant);
      return publishedEntries(keys.keyrings.RS256).flatMap((entry) => {
        const certificatePem = keys.keys.get(entry.kid)?.certificatePem;
        return certificatePem ? [{ kid: entry.kid, state: entry.state, certificatePem }] : [];
      });
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
