import type { FlowStore } from '../ports/flow-store.ts';
import { defaultFlow, type FlowDocument } from './flow-document.ts';

/** The flow a sign-in follows: the application's own, else the tenant's default, else the built-in one. */
export async function flowFor(flows: FlowStore, tenant: string, application: string | undefined): Promise<FlowDocument> {
  const own = application ? await flows.current(tenant, application) : undefined;
  return (own ?? (await flows.current(tenant, 'default')))?.document ?? defaultFlow;
}
