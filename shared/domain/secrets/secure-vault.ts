import type { KeyVault } from '../ports/key-vault.ts';

/**
 * Secrets the platform must read back, each sealed under its own purpose. Everything
 * else secret is only ever checked and goes through secret-hashing.ts instead.
 */
export type ReadableSecret = 'platform-secret' | 'signing-key' | 'totp-seed' | 'idp-client-secret' | 'idp-client-key' | 'webhook-credential' | 'siem-credential' | 'saml-private-key';

/**
 * The one way a readable secret is stored: sealed by the keystore under (tenant, kind,
 * record), so it opens only for the record it belongs to, at the tenant it belongs to.
 */
export function createSecureVault(keyVault: KeyVault) {
  return {
    seal(kind: ReadableSecret, tenant: string, recordId: string, value: Uint8Array | string): Promise<string> {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      return keyVault.seal(bytes, { tenant, purpose: kind, recordId });
    },
    open(kind: ReadableSecret, tenant: string, recordId: string, sealed: string): Promise<Uint8Array> {
      return keyVault.open(sealed, { tenant, purpose: kind, recordId });
    },
    async openText(kind: ReadableSecret, tenant: string, recordId: string, sealed: string): Promise<string> {
      return new TextDecoder().decode(await keyVault.open(sealed, { tenant, purpose: kind, recordId }));
    },
  };
}

export type SecureVault = ReturnType<typeof createSecureVault>;
