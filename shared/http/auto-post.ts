import { formsMayReach, framedBySelf } from './middleware/security-headers.ts';
import type { HttpResponse } from './request.ts';
import { htmlResponse } from './responses.ts';
import { html } from './views/html.ts';
import { page } from './views/page.ts';

/**
 * A page that POSTs hidden fields to another site at once (OAuth form_post, SAML HTTP-POST
 * binding), with a button for browsers without script; its CSP lets forms go to that URL only.
 * `framed`: the page runs inside a frame of our own (front-channel logout).
 */
export function autoPostResponse(action: string, values: Record<string, string>, nonce: string, { framed = false } = {}): HttpResponse {
  const body = page({
    title: 'Continuing…',
    nonce,
    body: html`<form method="post" action="${action}">
${Object.entries(values).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script nonce="${nonce}">document.forms[0].submit();</script>`,
  });
  return htmlResponse(200, body, framed ? framedBySelf(nonce, action) : formsMayReach(nonce, action));
}
