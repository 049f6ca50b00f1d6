import type { AuditSearch } from '../audit/audit-query.ts';
import type { AuditEvent } from '../audit/event.ts';
import type { Page, PageRequest } from './pages.ts';

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** Reading the trail back (admin API): newest first, one tenant only. */
export interface AuditTrail {
  search(tenant: string, search: AuditSearch, page: PageRequest): Promise<Page<AuditEvent>>;
  /** A period's events of one type, oldest first, up to `max` (then `truncated`). */
  eventsOfType(tenant: string, type: string, from: string, to: string, max: number): Promise<{ events: AuditEvent[]; truncated: boolean }>;
}
