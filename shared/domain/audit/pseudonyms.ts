import { createHmac } from 'node:crypto';
import type { AuditEvent } from './event.ts';

/**
 * Keyed pseudonyms for the right to be forgotten: an erased user's identifiers in the audit
 * trail become HMAC(platform key, tenant, value). The same pseudonym replaces a value wherever
 * it appears, so the trail still shows one person doing things, but nobody without the key can
 * tell who, nor check a guess.
 */
const pattern = /^pseud_[A-Za-z0-9_-]{32}$/;

export const isPseudonym = (value: string) => pattern.test(value);

export const pseudonymOf = (key: Buffer, tenant: string, value: string) =>
  isPseudonym(value) ? value : `pseud_${createHmac('sha256', key).update(`${tenant}\n${value}`).digest('base64url').slice(0, 32)}`;

/** A value with every string leaf replaced as `replace` says (object keys kept). */
function mapStrings(value: unknown, replace: (leaf: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, replace));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mapStrings(v, replace)]));
  return value;
}

/**
 * The form of an event its digest hash covers: every string leaf as its pseudonym. An event
 * whose identifiers are later replaced by their pseudonyms has the same form, so erasure keeps
 * the trail verifiable, while changing any value still changes the hash.
 */
export const hashedForm = (key: Buffer, event: AuditEvent): unknown => mapStrings(event, (leaf) => pseudonymOf(key, event.tenant, leaf));

/** Whether a string leaf names the person: it contains their id, or equals (ignoring case) one of their names or addresses. */
export const mentions = (leaf: string, identifiers: { id: string; values: readonly string[] }) =>
  leaf.includes(identifiers.id) || identifiers.values.some((v) => v.length > 0 && leaf.toLowerCase().includes(v.toLowerCase()));

/** The event with every leaf that names the person replaced by its pseudonym (the tenant, id and time kept). */
export function pseudonymized(key: Buffer, event: AuditEvent, identifiers: { id: string; values: readonly string[] }): AuditEvent {
  const { id, tenant, time, ...rest } = event;
  return { id, tenant, time, ...(mapStrings(rest, (leaf) => (mentions(leaf, identifiers) ? pseudonymOf(key, tenant, leaf) : leaf)) as Omit<AuditEvent, 'id' | 'tenant' | 'time'>) };
}
