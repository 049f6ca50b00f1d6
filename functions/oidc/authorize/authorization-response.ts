import { autoPostResponse } from '../../../shared/http/auto-post.ts';
import type { HttpResponse } from '../../../shared/http/request.ts';
import { seeOther } from '../../../shared/http/responses.ts';

export interface ResponseTarget {
  readonly redirectUri: string;
  readonly responseMode: 'query' | 'form_post';
  readonly state?: string;
}

/**
 * The authorization response (RFC 6749 §4.1.2) with `iss` (RFC 9207), by 303 redirect with
 * a query, or by an auto-submitted form (OAuth 2.0 Form Post Response Mode) whose CSP lets
 * the form go to the client's origin only.
 */
export function authorizationResponse(target: ResponseTarget, issuer: string, params: Record<string, string>, nonce: string): HttpResponse {
  const values = { ...params, ...(target.state !== undefined ? { state: target.state } : {}), iss: issuer };
  if (target.responseMode === 'query') {
    const url = new URL(target.redirectUri);
    for (const [name, value] of Object.entries(values)) url.searchParams.append(name, value);
    return seeOther(url.href);
  }
  return autoPostResponse(target.redirectUri, values, nonce);
}
