import { badRequest, HttpError } from './errors.ts';
import type { HttpRequest } from './request.ts';

/** The submitted form, refusing any other body and any field sent twice. */
export function formOf(request: HttpRequest<unknown>): URLSearchParams {
  const body = request.state.body;
  if (body.kind !== 'form') throw new HttpError(415, 'unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
  for (const name of new Set(body.value.keys())) if (body.value.getAll(name).length > 1) throw badRequest(`The field ${name} was sent more than once.`);
  return body.value;
}

/** The JSON object sent to an API route. */
export function jsonObjectOf(request: HttpRequest<unknown>): Record<string, unknown> {
  const body = request.state.body;
  if (body.kind !== 'json') throw new HttpError(415, 'unsupported_media_type', 'Send a JSON body with Content-Type: application/json.');
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) throw badRequest('The body must be a JSON object.');
  return body.value as Record<string, unknown>;
}
