import { flowDocumentSchema } from '../../../../shared/domain/flows/flow-document.ts';
import { HttpError } from '../../../../shared/http/errors.ts';
import { consoleClientId } from '../../../../shared/domain/oauth/client.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { callOperation, type ConsoleRequest } from '../console-screen.ts';

/**
 * What the flow screens read, all through the admin API's flow operations: a flow is `default`
 * or named by its application's id (an OIDC client id or a SAML service provider's id).
 */

export interface StoredFlowItem {
  readonly name: string;
  readonly version: number;
  readonly document: unknown;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

export interface ApplicationRef {
  readonly id: string;
  readonly name: string;
  readonly kind: 'OpenID Connect' | 'SAML';
}

/** Where a flow stands: its own current version (if any), the document sign-ins follow, and its history. */
export interface FlowState {
  readonly name: string;
  readonly title: string;
  readonly own?: StoredFlowItem;
  /** The document sign-ins to this flow's applications follow now (an application without its own flow: the default's). */
  readonly effective: StoredFlowItem;
  readonly versions: readonly StoredFlowItem[];
}

/** The largest document the editor sends (a valid one is far smaller: the schema bounds every list). */
export const maxDocumentBytes = 256 * 1024;

export const flowNameOf = (req: ConsoleRequest) => req.pathParameters.name ?? '';

export const isNotFound = (error: unknown) => error instanceof HttpError && error.status === 404;

/** The API's answer, or undefined when it says not found. */
async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The tenant's applications (OIDC clients besides the console's own, and SAML service providers). */
export async function applicationsOf(req: ConsoleRequest, caller: ConsoleCaller): Promise<ApplicationRef[]> {
  const [clients, sps] = await Promise.all([
    callOperation<{ items: Array<{ client_id: string; client_name: string }> }>(req, caller, 'GET /t/{tenant}/api/v1/applications', { query: { limit: '200' } }),
    callOperation<{ items: Array<{ id: string; name: string; entityId: string }> }>(req, caller, 'GET /t/{tenant}/api/v1/saml-service-providers', { query: { limit: '200' } }),
  ]);
  return [
    ...clients.items.filter((c) => c.client_id !== consoleClientId).map((c) => ({ id: c.client_id, name: c.client_name || c.client_id, kind: 'OpenID Connect' as const })),
    ...sps.items.map((sp) => ({ id: sp.id, name: sp.name || sp.entityId, kind: 'SAML' as const })),
  ];
}

/** An application's own flow, or undefined when it follows the default. */
export const ownFlowOf = (req: ConsoleRequest, caller: ConsoleCaller, name: string) =>
  unlessNotFound(callOperation<StoredFlowItem>(req, caller, 'GET /t/{tenant}/api/v1/flows/{name}', { path: { name } }));

async function applicationName(req: ConsoleRequest, caller: ConsoleCaller, id: string): Promise<string> {
  const client = await unlessNotFound(callOperation<{ client_name: string }>(req, caller, 'GET /t/{tenant}/api/v1/applications/{clientId}', { path: { clientId: id } }));
  if (client) return client.client_name || id;
  const sp = await unlessNotFound(callOperation<{ name: string; entityId: string }>(req, caller, 'GET /t/{tenant}/api/v1/saml-service-providers/{spId}', { path: { spId: id } }));
  return sp?.name || sp?.entityId || id;
}

export const flowTitle = (name: string, applicationName?: string) => (name === 'default' ? 'Default flow' : `Flow of ${applicationName ?? name}`);

/**
 * The flow a screen shows. Its versions are read first: that operation refuses a name that is
 * not `default` nor one of this tenant's applications (another tenant's client id included).
 */
export async function flowStateOf(req: ConsoleRequest, caller: ConsoleCaller, name: string): Promise<FlowState> {
  const { items } = await callOperation<{ items: StoredFlowItem[] }>(req, caller, 'GET /t/{tenant}/api/v1/flows/{name}/versions', { path: { name } });
  const [own, title] = await Promise.all([ownFlowOf(req, caller, name), name === 'default' ? flowTitle(name) : applicationName(req, caller, name).then((n) => flowTitle(name, n))]);
  const effective = own ?? (await callOperation<StoredFlowItem>(req, caller, 'GET /t/{tenant}/api/v1/flows/{name}', { path: { name: 'default' } }));
  return { name, title, ...(own ? { own } : {}), effective, versions: [...items].sort((a, b) => b.version - a.version) };
}

/** Who published a version, as a person reads it (`user:{id}` becomes their email). */
export async function publishersOf(req: ConsoleRequest, caller: ConsoleCaller, versions: readonly StoredFlowItem[]): Promise<Map<string, string>> {
  const ids = [...new Set(versions.map((v) => v.updatedBy ?? ''))].slice(0, 20);
  const names = await Promise.all(ids.map(async (by) => {
    const [kind, id] = [by.slice(0, by.indexOf(':')), by.slice(by.indexOf(':') + 1)];
    if (kind === 'user' && id) {
      const user = await unlessNotFound(callOperation<{ userName: string; emails: Array<{ value: string; primary?: boolean }> }>(req, caller, 'GET /t/{tenant}/api/v1/users/{userId}', { path: { userId: id } }));
      return [by, user ? ((user.emails.find((e) => e.primary) ?? user.emails[0])?.value ?? user.userName) : 'a deleted user'] as const;
    }
    if (kind === 'client') return [by, `API client ${id}`] as const;
    return [by, by || 'unknown'] as const;
  }));
  return new Map(names);
}

/** Whether a value nests deeper than `limit` (counted without recursion: a hostile draft is refused by the API, and must not overflow here while it is shown again). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * A stored document as people read it and diffs compare it: pretty-printed, its members in the
 * schema's order (the store does not keep the order of a map's keys).
 */
export function prettyJson(document: unknown): string {
  const inOrder = flowDocumentSchema.safeParse(document);
  return JSON.stringify(inOrder.success ? inOrder.data : document, null, 2);
}
