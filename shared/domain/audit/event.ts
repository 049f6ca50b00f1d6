import { randomUUID } from 'node:crypto';
import type { AuditEventType } from './catalogue.ts';

/** Who caused an event. */
export interface AuditActor {
  readonly kind: 'user' | 'client' | 'administrator' | 'system' | 'anonymous';
  readonly id?: string;
}

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'error';

export interface AuditEvent {
  readonly id: string;
  readonly version: 1;
  readonly tenant: string;
  readonly type: string;
  readonly time: string;
  readonly actor: AuditActor;
  readonly subject?: string;
  readonly clientIp?: string;
  readonly userAgent?: string;
  readonly correlationId?: string;
  readonly outcome: AuditOutcome;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An event to record: its type must be one the catalogue lists (catalogue.ts). */
export type AuditEventInput = Omit<AuditEvent, 'id' | 'version' | 'time' | 'type'> & { type: AuditEventType; time?: Date };

const eventTypePattern = /^[a-z]+(?:\.[a-z_]+)+$/;

export function createAuditEvent(input: AuditEventInput): AuditEvent {
  if (!eventTypePattern.test(input.type)) throw new Error(`audit event type must be dotted lowercase: ${input.type}`);
  const { time, ...rest } = input;
  return { ...rest, id: randomUUID(), version: 1, time: (time ?? new Date()).toISOString() };
}
