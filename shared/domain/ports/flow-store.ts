import type { AuditEvent } from '../audit/event.ts';
import type { FlowDocument } from '../flows/flow-document.ts';

/** `default` is the tenant's flow; any other name is an application's (its client id). */
export type FlowName = string;

export interface StoredFlow {
  readonly name: FlowName;
  readonly version: number;
  readonly document: FlowDocument;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** Flow documents with their whole history (Directory table): every version is kept, and the current one is named. */
export interface FlowStore {
  current(tenant: string, name: FlowName): Promise<StoredFlow | undefined>;
  version(tenant: string, name: FlowName, version: number): Promise<StoredFlow | undefined>;
  versions(tenant: string, name: FlowName): Promise<StoredFlow[]>;
  /** Stores the document as the next version if the current one is still `expectedVersion` (0: there is none). */
  publish(tenant: string, flow: StoredFlow, expectedVersion: number, events: readonly AuditEvent[]): Promise<'done' | 'conflict'>;
  remove(tenant: string, name: FlowName, events: readonly AuditEvent[]): Promise<boolean>;
}
