import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { KeyService } from '../keys/key-service.ts';
import type { AuditDigests, StoredDigest } from '../ports/audit-log.ts';
import { canonicalJson, digestGraceMs, digestPayloads, digestPeriodMs, hourOf, sealingOverdue, sha256, verifyTrail, type CheckedDigest, type DigestPayload, type EventHasher, type IntegrityProblem } from './digest.ts';
import { hashedForm } from './pseudonyms.ts';

export const digestType = 'audit-digest+jwt';

const iso = (time: number) => new Date(time).toISOString();
const payloadOf = (jws: string) => decodeJwt(jws) as unknown as DigestPayload;

export interface SealDeps {
  readonly digests: AuditDigests;
  readonly keys: KeyService;
  readonly retentionDays: number;
  /** The platform's pseudonym key: digests hash events in their erasure-stable form. */
  readonly pseudonymKey: Buffer;
}

/** The platform's event hash: of the event's pseudonymized form, so erasing a user later leaves every hash as it was. */
export const platformEventHash = (key: Buffer): EventHasher => (event) => sha256(canonicalJson(hashedForm(key, event)));

/**
 * Seals a tenant's closed hours that have no digest yet, oldest first, from its first event (or
 * its latest digest) up to the last hour that ended more than the grace period ago; at most
 * `maxPeriods` hours a run, so a tenant far behind catches up over a few runs. Two runs at once
 * cannot fork the chain: a digest is stored only if its period's part is not sealed yet.
 */
export async function sealDigests(deps: SealDeps, tenant: string, now: number, maxPeriods = 48): Promise<number> {
  const latest = await deps.digests.latest(tenant);
  const latestPayload = latest ? payloadOf(latest.jws) : undefined;
  let start: number;
  if (latestPayload) start = Date.parse(latestPayload.more ? latestPayload.periodStart : latestPayload.periodEnd);
  else {
    const first = await deps.digests.firstEventTime(tenant);
    if (first === undefined) return 0;
    start = hourOf(Date.parse(first));
  }
  const end = hourOf(now - digestGraceMs);
  let previous = latest?.jws;
  let sealed = 0;
  for (let period = start; period < end && sealed < maxPeriods; period += digestPeriodMs) {
    const events = await deps.digests.eventsBetween(tenant, iso(period), iso(period + digestPeriodMs));
    // A run that stopped inside a period (several parts) goes on from the next part.
    const resumeAfter = latestPayload?.more && iso(period) === latestPayload.periodStart ? latestPayload.part : -1;
    for (const payload of digestPayloads(tenant, period, events, platformEventHash(deps.pseudonymKey)).filter((p) => p.part > resumeAfter)) {
      const jws = await deps.keys.signJwt(tenant, { ...payload, previous: previous ? sha256(previous) : null }, { typ: digestType });
      const expiresAt = Math.floor((period + digestPeriodMs) / 1000) + deps.retentionDays * 86_400;
      if (!(await deps.digests.save(tenant, { periodStart: payload.periodStart, part: payload.part, jws }, expiresAt))) return sealed;
      previous = jws;
    }
    sealed++;
  }
  return sealed;
}

export interface IntegrityReport {
  readonly from: string;
  readonly to: string;
  readonly intact: boolean;
  readonly digests: number;
  readonly eventsVerified: number;
  /** Digests signed with a key that has since been removed: their place in the chain still checks them. */
  readonly signaturesUnverifiable: number;
  /** Where the sealed trail ends; later events are not yet covered. */
  readonly sealedUntil?: string;
  readonly problems: readonly IntegrityProblem[];
}

async function checked(tenant: string, stored: StoredDigest, jwks: ReturnType<typeof createLocalJWKSet>, kids: ReadonlySet<string>): Promise<CheckedDigest> {
  const payload = payloadOf(stored.jws);
  const { kid } = decodeProtectedHeader(stored.jws);
  if (typeof kid !== 'string' || !kids.has(kid)) return { jws: stored.jws, payload, signature: 'key_unavailable' };
  try {
    const { protectedHeader } = await compactVerify(stored.jws, jwks, { algorithms: ['ES256', 'RS256'] });
    const claimed = payload.tenant === tenant && payload.periodStart === stored.periodStart && payload.part === stored.part;
    return { jws: stored.jws, payload, signature: protectedHeader.typ === digestType && claimed ? 'valid' : 'invalid' };
  } catch {
    return { jws: stored.jws, payload, signature: 'invalid' };
  }
}

/** Checks the sealed trail of periods starting in [from, to): signatures, chain, and every event against its digest. */
export async function verifyIntegrity(deps: { digests: AuditDigests; keys: KeyService; pseudonymKey: Buffer }, tenant: string, from: string, to: string, now = Date.now()): Promise<IntegrityReport> {
  const start = iso(hourOf(Date.parse(from)));
  const { digests, before } = await deps.digests.between(tenant, start, to);
  const keySet = await deps.keys.jwks(tenant);
  const jwks = createLocalJWKSet(keySet as JSONWebKeySet);
  const kids = new Set(keySet.keys.map((k) => String(k.kid)));
  const checkedDigests = await Promise.all(digests.map((d) => checked(tenant, d, jwks, kids)));
  const previous = before ? await checked(tenant, before, jwks, kids) : undefined;
  const events = new Map<string, Awaited<ReturnType<AuditDigests['eventsBetween']>>>();
  for (const period of new Set(checkedDigests.map((d) => d.payload.periodStart))) {
    events.set(period, await deps.digests.eventsBetween(tenant, period, iso(Date.parse(period) + digestPeriodMs)));
  }
  const problems = verifyTrail(checkedDigests, previous, (period) => events.get(period) ?? [], platformEventHash(deps.pseudonymKey));
  const last = checkedDigests.at(-1)?.payload;
  // The end of the trail: removing the latest digests (and events) must not go unnoticed.
  if (Date.parse(to) >= now - digestPeriodMs) {
    const latest = last ?? (previous ? previous.payload : undefined);
    const overdue = sealingOverdue(latest?.periodEnd, latest ? undefined : await deps.digests.firstEventTime(tenant), now);
    if (overdue !== undefined) problems.push({ kind: 'digest_missing', period: overdue });
  }
  return {
    from: start,
    to,
    intact: problems.length === 0,
    digests: checkedDigests.length,
    eventsVerified: checkedDigests.reduce((n, d) => n + d.payload.events.length, 0),
    signaturesUnverifiable: checkedDigests.filter((d) => d.signature === 'key_unavailable').length,
    ...(last ? { sealedUntil: last.periodEnd } : {}),
    problems,
  };
}
