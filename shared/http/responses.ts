import type { HttpResponse } from './request.ts';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function htmlResponse(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

/** 303 See Other: the browser follows with GET whatever method brought it here. */
export function seeOther(location: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode: 303, headers: { location, ...headers }, body: '' };
}
