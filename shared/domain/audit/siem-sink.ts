import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { AuditEvent } from './event.ts';

/**
 * A tenant's SIEM sink: where its audit events are posted, in which format, and which events.
 * `webhook`: the event as JSON, signed with HMAC-SHA256 under a secret the platform generates
 * (shown once); `splunk_hec`: Splunk's HTTP Event Collector format with the tenant's HEC token.
 */
export const siemSinkKinds = ['webhook', 'splunk_hec'] as const;
export type SiemSinkKind = (typeof siemSinkKinds)[number];

/** An event type, or a prefix of types ending in `.*` (e.g. `signin.*`). */
const eventTypeFilter = z.string().regex(/^[a-z]+(?:\.[a-z_]+)*(?:\.\*)?$/, 'an event type such as signin.success, or a prefix such as signin.*').max(100);

/** A sink's settings as a change sends them: a Splunk sink that has its token may leave it out (it is kept). */
export const siemSinkChangeSchema = z
  .object({
    name: z.string().trim().min(1).max(128),
    kind: z.enum(siemSinkKinds),
    url: z.url({ protocol: /^https?$/ }).max(2048),
    /** Splunk HEC only: the collector's token (kept sealed, never shown again). */
    token: z.string().min(8).max(512).optional(),
    eventTypes: z.array(eventTypeFilter).max(50).default([]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((input) => input.kind !== 'webhook' || input.token === undefined, { path: ['token'], message: 'a webhook sink gets a signing secret from the platform' });

export const missingTokenMessage = 'a Splunk HEC sink needs its token';

/** A new sink's settings: a Splunk sink comes with its token. */
export const siemSinkInputSchema = siemSinkChangeSchema.refine((input) => input.kind !== 'splunk_hec' || input.token !== undefined, { path: ['token'], message: missingTokenMessage });

/** Whether a change leaves a Splunk sink without a token (it was not one before and sent none). */
export const changeLacksToken = (input: SiemSinkInput, before: { readonly kind: SiemSinkKind }) => input.kind === 'splunk_hec' && before.kind !== 'splunk_hec' && input.token === undefined;

export type SiemSinkInput = z.infer<typeof siemSinkChangeSchema>;

export interface SiemSink {
  readonly tenant: string;
  readonly id: string;
  readonly name: string;
  readonly kind: SiemSinkKind;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  /** The webhook signing secret or the HEC token, sealed by the vault ('siem-credential'). */
  readonly sealedCredential: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** Whether a sink wants an event: every event when it names no types, else an exact type or a matching prefix. */
export function sinkWants(sink: Pick<SiemSink, 'enabled' | 'eventTypes'>, event: Pick<AuditEvent, 'type'>): boolean {
  if (!sink.enabled) return false;
  if (sink.eventTypes.length === 0) return true;
  return sink.eventTypes.some((filter) => (filter.endsWith('.*') ? event.type.startsWith(filter.slice(0, -1)) : event.type === filter));
}

/** What the audit trail records of a sink: never its credential. */
export const auditedSiemSink = (sink: SiemSink) => ({ name: sink.name, kind: sink.kind, url: sink.url, eventTypes: sink.eventTypes, enabled: sink.enabled });

export const signatureHeader = 'x-idp-signature';

/**
 * The webhook signature (the scheme Stripe and others use): `t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<body>")>`. The receiver recomputes it and refuses stale timestamps,
 * so a captured delivery cannot be replayed later.
 */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface SiemRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The HTTP request that delivers one event to one sink. */
export function siemRequest(sink: Pick<SiemSink, 'kind' | 'url'>, credential: string, event: AuditEvent, now: number): SiemRequest {
  const common = { 'content-type': 'application/json', 'x-idp-event-id': event.id, 'user-agent': 'identity-platform-audit/1' };
  if (sink.kind === 'splunk_hec') {
    const body = JSON.stringify({ time: Date.parse(event.time) / 1000, source: 'identity-platform', sourcetype: '_json', event });
    return { url: sink.url, headers: { ...common, authorization: `Splunk ${credential}` }, body };
  }
  const body = JSON.stringify(event);
  return { url: sink.url, headers: { ...common, [signatureHeader]: webhookSignature(credential, body, Math.floor(now / 1000)) }, body };
}
