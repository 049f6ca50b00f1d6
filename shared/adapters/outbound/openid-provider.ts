import type { JSONWebKeySet } from 'jose';
import type { ClientAuth, Configuration } from 'openid-client';
import { guardedFetch } from './guarded-post.ts';

/**
 * The platform as a relying party of an OpenID Provider (an upstream identity provider, or the
 * tenant itself for the console): discovery and key fetches through the SSRF guard, kept ten
 * minutes per process. openid-client loads at the first use, not at a function's cold start.
 */
export const openIdClient = () => import('openid-client');

const keptMs = 10 * 60_000;
const allowLoopback = () => process.env.OUTBOUND_ALLOW_LOOPBACK === 'true';
const outbound = () => guardedFetch({ allowLoopback: allowLoopback(), timeoutMs: 5000 });

/** A promise kept for a while under a key; a failed one is forgotten at once, so the next call tries again. */
function kept<T>() {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return (key: string, load: () => Promise<T>): Promise<T> => {
    const hit = entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = load().catch((error: unknown) => {
      entries.delete(key);
      throw error;
    });
    entries.set(key, { value, until: Date.now() + keptMs });
    return value;
  };
}

const configurations = kept<Configuration>();

/**
 * A provider's configuration for a client, discovered from `{issuer}/.well-known/openid-configuration`.
 * ID tokens are verified against the provider's JWKS even when they come from its token endpoint
 * (OIDC Core lets TLS stand in for that; a relying party that hands out access should not);
 * plain http only to loopback, and only in the local runtime (the guard refuses anything else).
 */
export function discoveredProvider(cacheKey: string, issuer: string, clientId: string, clientAuth: (oidc: Awaited<ReturnType<typeof openIdClient>>) => Promise<ClientAuth>): Promise<Configuration> {
  return configurations(cacheKey, async () => {
    const oidc = await openIdClient();
    return oidc.discovery(new URL(issuer), clientId, undefined, await clientAuth(oidc), {
      [oidc.customFetch]: outbound() as never,
      timeout: 5,
      execute: [oidc.enableNonRepudiationChecks, ...(allowLoopback() && new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [])],
    });
  });
}

const keySets = kept<JSONWebKeySet>();

/** A provider's signing keys (its `jwks_uri`). */
export function fetchedKeySet(jwksUri: string) {
  return keySets(jwksUri, async () => {
    const res = await outbound()(jwksUri, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`the JWKS answered ${res.status}`);
    return (await res.json()) as JSONWebKeySet;
  });
}
