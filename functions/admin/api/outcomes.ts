import { HttpError, notFound } from '../../../shared/http/errors.ts';
import type { AdminCall } from './operation.ts';

/** Maps a store's conditional-write outcome to the API's answer; `done` passes. */
export function expectDone(outcome: 'done' | 'missing' | 'conflict' | 'taken' | 'exists', what: string): void {
  if (outcome === 'done') return;
  if (outcome === 'missing') throw notFound(`No such ${what}`);
  if (outcome === 'conflict') throw new HttpError(412, 'precondition_failed', `The ${what} was changed by someone else; read it again and retry with its new ETag`);
  if (outcome === 'exists') throw new HttpError(409, 'already_exists', `The ${what} already exists`);
  throw new HttpError(409, 'already_taken', `Another ${what} already uses that name or email`);
}

/** The version a change must find: the If-Match version when given, else the one just read. */
export function expectedVersion(ifMatch: number | undefined, current: { version: number }): number {
  if (ifMatch !== undefined && ifMatch !== current.version) throw new HttpError(412, 'precondition_failed', 'The resource has changed since that ETag; read it again and retry');
  return current.version;
}

/** A write that succeeds only at the version it read: false means someone changed it meanwhile. */
export const expectWritten = (written: boolean, what: string): void => expectDone(written ? 'done' : 'conflict', what);

/**
 * The resource a path parameter names (a UUID) at this tenant: 404 when there is none (or the id
 * is malformed), 412 when If-Match names another version.
 */
export async function existingResource<T extends { version: number }>(
  call: AdminCall<unknown>,
  parameter: string,
  what: string,
  read: (tenant: string, id: string) => Promise<T | undefined>,
): Promise<T> {
  const id = call.req.pathParameters[parameter] ?? '';
  const found = /^[0-9a-f-]{36}$/.test(id) ? await read(call.tenant.id, id) : undefined;
  if (!found) throw notFound(`No such ${what}`);
  expectedVersion(call.ifMatch, found);
  return found;
}
