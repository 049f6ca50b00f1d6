import { html } from './html.ts';
import { page } from './page.ts';

export function errorPage(options: { status: number; title: string; message: string; nonce: string; correlationId: string }): string {
  return page({
    title: options.title,
    nonce: options.nonce,
    body: html`<h1>${options.title}</h1>
<p class="error">${options.message}</p>
<p class="muted">Reference: <code>${options.correlationId}</code></p>`,
  });
}
