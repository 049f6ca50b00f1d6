import { formsMayReach } from '../../../shared/http/middleware/security-headers.ts';
import type { HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { html } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

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
  const body = page({
    title: 'Continuing…',
    nonce,
    body: html`<form method="post" action="${target.redirectUri}">
${Object.entries(values).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script nonce="${nonce}">document.forms[0].submit();</script>`,
  });
  return htmlResponse(200, body, formsMayReach(nonce, target.redirectUri));
}
