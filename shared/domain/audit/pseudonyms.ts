import { createHmac } from 'node:crypto';
import type { AuditEvent } from './event.ts';
import type { PersonalIdentifiers } from '../ports/personal-data.ts';

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

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An address found inside a longer value only as a whole: `ann@x.io` is in `LOGIN#ann@x.io`, not in `joann@x.io` or `ann@x.iot`. */
const wholeIn = (value: string, address: string) => new RegExp(`(^|[^a-z0-9._%+-])${escaped(address)}($|[^a-z0-9.-]|\\.(?![a-z0-9]))`, 'i').test(value);

/** Whether a string names the person: it contains their id or one of their addresses, or equals (ignoring case) one of their names. */
export function namesPerson(value: string, who: PersonalIdentifiers): boolean {
  const lower = value.toLowerCase();
  return value.includes(who.id) || who.exact.some((v) => v.length > 0 && lower === v.toLowerCase()) || who.contained.some((v) => v.length > 0 && wholeIn(value, v));
}

/**
 * The event with the person replaced by pseudonyms: as actor or subject, in any detail that
 * names them, and the address and browser they acted from. The event's id, time, type and
 * outcome stay, so the trail still says what happened and when.
 */
export function pseudonymized(key: Buffer, event: AuditEvent, who: PersonalIdentifiers): AuditEvent {
  const p = (value: string) => pseudonymOf(key, event.tenant, value);
  const actedThemselves = event.actor.id !== undefined && namesPerson(event.actor.id, who);
  return {
    ...event,
    actor: actedThemselves ? { ...event.actor, id: p(event.actor.id!) } : event.actor,
    ...(event.subject !== undefined ? { subject: namesPerson(event.subject, who) ? p(event.subject) : event.subject } : {}),
    ...(actedThemselves && event.clientIp ? { clientIp: p(event.clientIp) } : {}),
    ...(actedThemselves && event.userAgent ? { userAgent: p(event.userAgent) } : {}),
    details: mapStrings(event.details, (leaf) => (namesPerson(leaf, who) ? p(leaf) : leaf)) as AuditEvent['details'],
  };
}
