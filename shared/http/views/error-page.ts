import { translator, type Locale } from '../i18n.ts';
import { html } from './html.ts';
import { page } from './page.ts';

export function errorPage(options: { status: number; title: string; message: string; nonce: string; correlationId: string; locale?: Locale }): string {
  const locale = options.locale ?? 'en';
  return page({
    title: options.title,
    nonce: options.nonce,
    lang: locale,
    body: html`<h1>${options.title}</h1>
<p class="error">${options.message}</p>
<p class="muted">${translator(locale)('error.reference')} <code>${options.correlationId}</code></p>`,
  });
}
