import type { AuditEvent } from '../audit/event.ts';
import type { ConsentPurpose } from '../consent/consent-purpose.ts';
import type { Page, PageRequest } from './pages.ts';

/** A tenant's consent purposes (Directory table), each change written with its audit events. */
export interface ConsentPurposeRegistry {
  get(tenant: string, id: string): Promise<ConsentPurpose | undefined>;
  list(tenant: string, page: PageRequest): Promise<Page<ConsentPurpose>>;
  create(purpose: ConsentPurpose, events: readonly AuditEvent[]): Promise<void>;
  /** Replaces `previous` (still at its version); false when it changed or is gone. */
  replace(previous: ConsentPurpose, next: ConsentPurpose, events: readonly AuditEvent[]): Promise<boolean>;
  remove(purpose: ConsentPurpose, events: readonly AuditEvent[]): Promise<boolean>;
}
