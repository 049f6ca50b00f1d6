import type { MiddlewareObj } from '@middy/core';
import { badRequest, payloadTooLarge } from '../errors.ts';
import type { HttpEvent, HttpResponse, RequestBody } from '../request.ts';

export const defaultMaxBodyBytes = 64 * 1024;

function decodeBody(event: HttpEvent, maxBytes: number): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > maxBytes) throw payloadTooLarge(maxBytes);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return text.decode(bytes);
  } catch {
    throw badRequest('The request body is not valid UTF-8');
  }
}

export function parseBody(contentTypeHeader: string | undefined, raw: string | undefined): RequestBody {
  if (raw === undefined) return { kind: 'none' };
  const contentType = (contentTypeHeader ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'application/json' || contentType.endsWith('+json')) {
    try {
      return { kind: 'json', value: JSON.parse(raw) as unknown };
    } catch {
      throw badRequest('The request body is not valid JSON');
    }
  }
  if (contentType === 'application/x-www-form-urlencoded') return { kind: 'form', value: new URLSearchParams(raw) };
  return { kind: 'text', value: raw, contentType };
}

/** Parses JSON and form bodies once, refusing oversized, non-UTF-8 and malformed ones. */
export function bodyParser(maxBytes = defaultMaxBodyBytes): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: ({ event }) => {
      event.state!.body = parseBody(event.headers?.['content-type'], decodeBody(event, maxBytes));
    },
  };
}
