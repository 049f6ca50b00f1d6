import type { AuditEvent } from '../audit/event.ts';

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}
