import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { X509Certificate, createPublicKey } from 'node:crypto';
import type { DataKeySource } from '../../../shared/adapters/kms/data-key-source.ts';
import { createEnvelopeVault } from '../../../shared/adapters/kms/envelope-vault.ts';
import { createLocalKeystore } from '../../../shared/adapters/kms/local-keystore.ts';
import { portsFromEnvironment, type PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { createKeyService, SigningKeysUnavailable } from '../../../shared/domain/keys/key-service.ts';
import { rotateTenantKeys } from '../../../shared/domain/keys/rotate-keys.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { defaultRotationPolicies } from '../../../shared/domain/keys/signing-key.ts';
import { KeyServiceUnavailable, SealedValueRejected, type KeyVault } from '../../../shared/domain/ports/key-vault.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { uniqueSlug } from '../../support/tenants.ts';

const day = 86_400_000;
let ports: PlatformPorts;

before(() => {
  useSharedRuntimeEnvironment();
  ports = portsFromEnvironment();
});

const clock = (start = Date.now()) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};
const rotation = (now: () => number) => ({ store: ports.signingKeys, vault: ports.keyVault, now });
const claims = { sub: 'user-1', iss: 'https://issuer.example', aud: 'client-1' };

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** A vault whose key service can be switched off, to inject a KMS outage. */
function switchableVault(inner: KeyVault) {
  let down = false;
  const fail = () => Promise.reject(new KeyServiceUnavailable('injected KMS outage'));
  return {
    setDown: (value: boolean) => (down = value),
    vault: {
      seal: (p, c) => (down ? fail() : inner.seal(p, c)),
      open: (s, c) => (down ? fail() : inner.open(s, c)),
      check: () => (down ? fail() : inner.check()),
    } satisfies KeyVault,
  };
}

describe('per-tenant signing keys', () => {
  test('a new tenant gets an active and a next key for ES256 and RS256, published without private parts', async () => {
    const tenant = uniqueSlug();
    const outcomes = await rotateTenantKeys(rotation(Date.now), tenant);
    assert.deepEqual(outcomes.map((o) => [o.alg, o.result]), [['ES256', 'rotated'], ['RS256', 'rotated']]);
    const { keys } = await createKeyService({ store: ports.signingKeys, vault: ports.keyVault }).jwks(tenant);
    assert.equal(keys.length, 4);
    assert.deepEqual(keys.map((k) => k.alg).sort(), ['ES256', 'ES256', 'RS256', 'RS256']);
    for (const key of keys) {
      for (const member of privateMembers) assert.equal(key[member], undefined, `${key.kid} has ${member}`);
      assert.equal(key.use, 'sig');
      assert.equal(createPublicKey({ key: key as never, format: 'jwk' }).type, 'public');
    }
    for (const key of keys.filter((k) => k.alg === 'RS256')) {
      const certificate = new X509Certificate(Buffer.from((key.x5c as string[])[0]!, 'base64'));
      assert.equal(certificate.subject, `CN=${tenant}`);
      assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
      assert.equal(certificate.publicKey.export({ format: 'jwk' }).n, key.n, 'the certificate carries the published key');
      assert.ok(Date.parse(certificate.validTo) > Date.now() + 2 * 365 * day, 'outlives next, active and retired states');
    }
  });

  test('a JWT signed for tenant A does not verify against tenant B’s keys', async () => {
    const [a, b] = [uniqueSlug('a'), uniqueSlug('b')];
    await rotateTenantKeys(rotation(Date.now), a);
    await rotateTenantKeys(rotation(Date.now), b);
    const service = createKeyService({ store: ports.signingKeys, vault: ports.keyVault });
    for (const alg of ['ES256', 'RS256'] as const) {
      const token = await service.signJwt(a, claims, { alg });
      await jwtVerify(token, createLocalJWKSet((await service.jwks(a)) as JSONWebKeySet));
      await assert.rejects(jwtVerify(token, createLocalJWKSet((await service.jwks(b)) as JSONWebKeySet)), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    }
  });

  test('a private key is stored sealed and does not open under another tenant or key id', async () => {
    const [a, b] = [uniqueSlug('a'), uniqueSlug('b')];
    await rotateTenantKeys(rotation(Date.now), a);
    const { keys, keyrings } = await ports.signingKeys.load(a);
    const kid = keyrings.ES256!.entries[0]!.kid;
    const sealed = keys.get(kid)!.sealedPrivateKey;
    assert.match(sealed, /^v1\./);
    assert.ok(!sealed.includes('PRIVATE KEY'));
    const vault = createSecureVault(ports.keyVault);
    await vault.open('signing-key', a, kid, sealed);
    await assert.rejects(vault.open('signing-key', b, kid, sealed), SealedValueRejected);
    await assert.rejects(vault.open('signing-key', a, 'another-kid', sealed), SealedValueRejected);
    await assert.rejects(vault.open('totp-seed', a, kid, sealed), SealedValueRejected);
  });

  test('a full rotation cycle: next published before it signs, old tokens verify after rotation, removed keys disappear', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    const service = () => createKeyService({ store: ports.signingKeys, vault: ports.keyVault, now: time.now });
    await rotateTenantKeys(rotation(time.now), tenant);

    const before = await service().jwks(tenant);
    const oldToken = await service().signJwt(tenant, claims);
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    const { keyrings } = await ports.signingKeys.load(tenant);
    const nextKid = keyrings.ES256!.entries.find((e) => e.state === 'next')!.kid;
    assert.ok(before.keys.some((k) => k.kid === nextKid), 'the next key is published before it signs');

    time.advance(defaultRotationPolicies.ES256.activeForMs);
    assert.deepEqual((await rotateTenantKeys(rotation(time.now), tenant, { algorithms: ['ES256'] }))[0]!.result, 'rotated');
    const after = await service().jwks(tenant);
    const newToken = await service().signJwt(tenant, claims);
    assert.equal(decodeProtectedHeader(newToken).kid, nextKid, 'the key that was next now signs');
    await jwtVerify(oldToken, createLocalJWKSet(after as JSONWebKeySet), { currentDate: new Date(time.now()) });
    assert.ok(after.keys.some((k) => k.kid === oldKid), 'the retired key stays published');

    time.advance(defaultRotationPolicies.ES256.retainRetiredForMs);
    await rotateTenantKeys(rotation(time.now), tenant, { algorithms: ['ES256'] });
    const later = await service().jwks(tenant);
    assert.ok(!later.keys.some((k) => k.kid === oldKid), 'the removed key is gone');
    await assert.rejects(jwtVerify(oldToken, createLocalJWKSet(later as JSONWebKeySet)));
    assert.equal((await ports.signingKeys.load(tenant)).keys.has(oldKid), false, 'its material is deleted');
    await jwtVerify(newToken, createLocalJWKSet(later as JSONWebKeySet), { currentDate: new Date(time.now()) });
  });

  test('running rotation again changes nothing (idempotent)', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    await rotateTenantKeys(rotation(time.now), tenant);
    const first = await ports.signingKeys.load(tenant);
    const outcomes = await rotateTenantKeys(rotation(time.now), tenant);
    assert.deepEqual(outcomes.map((o) => o.result), ['unchanged', 'unchanged']);
    assert.deepEqual((await ports.signingKeys.load(tenant)).keyrings, first.keyrings);
  });

  test('concurrent rotation runs leave exactly one active and one next key per algorithm', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    await Promise.all(Array.from({ length: 6 }, () => rotateTenantKeys(rotation(time.now), tenant)));
    const check = async () => {
      const { keyrings, keys } = await ports.signingKeys.load(tenant);
      for (const alg of ['ES256', 'RS256'] as const) {
        const entries = keyrings[alg]!.entries;
        assert.equal(entries.filter((e) => e.state === 'active').length, 1, `${alg} active`);
        assert.equal(entries.filter((e) => e.state === 'next').length, 1, `${alg} next`);
        for (const e of entries) assert.ok(keys.has(e.kid), 'every entry has its material');
      }
      return keys.size;
    };
    assert.equal(await check(), 4, 'losing runs wrote no stray key material');
    time.advance(1);
    await Promise.all(Array.from({ length: 4 }, () => rotateTenantKeys(rotation(time.now), tenant, { force: true })));
    await check();
  });

  test('an on-demand rotation makes the next key sign at once', async () => {
    const tenant = uniqueSlug();
    await rotateTenantKeys(rotation(Date.now), tenant);
    const { keyrings } = await ports.signingKeys.load(tenant);
    const next = keyrings.RS256!.entries.find((e) => e.state === 'next')!.kid;
    const [outcome] = await rotateTenantKeys(rotation(Date.now), tenant, { force: true, algorithms: ['RS256'], actor: { kind: 'administrator', id: 'admin-1' } });
    assert.equal(outcome!.activeKid, next);
    const saml = await createKeyService({ store: ports.signingKeys, vault: ports.keyVault }).samlSigningKey(tenant);
    assert.equal(saml.kid, next);
    assert.match(saml.privateKeyPem, /BEGIN PRIVATE KEY/);
    assert.match(saml.certificatePem, /BEGIN CERTIFICATE/);
  });

  test('a keyring caught half-made (ES256 committed, RS256 not yet) is read again within a second, not held for the TTL', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    await rotateTenantKeys(rotation(time.now), tenant, { algorithms: ['ES256'] });
    const service = createKeyService({ store: ports.signingKeys, vault: ports.keyVault, ttlMs: 60_000, now: time.now });
    assert.equal((await service.jwks(tenant)).keys.length, 2);
    await rotateTenantKeys(rotation(time.now), tenant, { algorithms: ['RS256'] });
    time.advance(1000);
    assert.equal((await service.jwks(tenant)).keys.length, 4, 'RS256 keys seen a second later');
  });

  test('a rotation becomes visible to a warm signer within its cache TTL', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    await rotateTenantKeys(rotation(time.now), tenant);
    const service = createKeyService({ store: ports.signingKeys, vault: ports.keyVault, ttlMs: 60_000, now: time.now });
    const firstKid = decodeProtectedHeader(await service.signJwt(tenant, claims)).kid;
    await rotateTenantKeys(rotation(time.now), tenant, { force: true, algorithms: ['ES256'] });
    assert.equal(decodeProtectedHeader(await service.signJwt(tenant, claims)).kid, firstKid, 'still cached');
    time.advance(60_000);
    assert.notEqual(decodeProtectedHeader(await service.signJwt(tenant, claims)).kid, firstKid, 'visible after the TTL');
  });

  test('with KMS failing, cached keys keep signing and a cold start fails closed', async () => {
    const tenant = uniqueSlug();
    const time = clock();
    await rotateTenantKeys(rotation(time.now), tenant);
    const kms = switchableVault(ports.keyVault);
    const warm = createKeyService({ store: ports.signingKeys, vault: kms.vault, ttlMs: 1000, now: time.now });
    await warm.signJwt(tenant, claims);
    kms.setDown(true);
    await rotateTenantKeys(rotation(time.now), tenant, { force: true, algorithms: ['ES256'] });
    time.advance(5000);
    const token = await warm.signJwt(tenant, claims);
    await jwtVerify(token, createLocalJWKSet((await warm.jwks(tenant)) as JSONWebKeySet), { currentDate: new Date(time.now()) });

    const cold = createKeyService({ store: ports.signingKeys, vault: kms.vault, now: time.now });
    await assert.rejects(cold.signJwt(tenant, claims), SigningKeysUnavailable);
    kms.setDown(false);
    await cold.signJwt(tenant, claims);
  });

  test('calls the key service at most once per tenant and cache period for 10,000 signatures', async () => {
    const tenant = uniqueSlug();
    await rotateTenantKeys(rotation(Date.now), tenant);
    let keyServiceCalls = 0;
    const keystore = createLocalKeystore(process.env.LOCAL_KEYSTORE_FILE!);
    const counted: DataKeySource = { ...keystore, unwrap: (w, s) => (keyServiceCalls++, keystore.unwrap(w, s)), generate: (s) => (keyServiceCalls++, keystore.generate(s)) };
    const service = createKeyService({ store: ports.signingKeys, vault: createEnvelopeVault(counted) });
    for (let i = 0; i < 10_000; i++) await service.signJwt(tenant, { ...claims, jti: String(i) }, { alg: i % 2 ? 'ES256' : 'RS256' });
    assert.equal(keyServiceCalls, 1);
  });

  test('an unknown tenant has no keys to sign with', async () => {
    const service = createKeyService({ store: ports.signingKeys, vault: ports.keyVault });
    await assert.rejects(service.signJwt(uniqueSlug('nobody'), claims), SigningKeysUnavailable);
    assert.deepEqual(await service.jwks(uniqueSlug('nobody')), { keys: [] });
  });
});
