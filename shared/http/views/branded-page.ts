import type { TenantSettings } from '../../domain/tenants/settings.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './page.ts';

/** The tenant's logo and name, atop each of its pages. */
const brand = (settings: TenantSettings) =>
  html`<div class="brand">${settings.branding.logoUrl ? html`<img src="${settings.branding.logoUrl}" alt="">` : ''}<strong>${settings.branding.displayName}</strong></div>`;

/** What a hosted page shows inside its frame: the brand, then the page's own content (the console's branding preview shows the same). */
export const brandedContent = (settings: TenantSettings, body: SafeHtml): SafeHtml => html`${brand(settings)}
${body}`;

/** A hosted page in the tenant's branding. */
export const brandedPage = (settings: TenantSettings, nonce: string, title: string, body: SafeHtml, options: { wide?: boolean; lang?: string } = {}): string =>
  page({ title, nonce, accent: settings.branding.primaryColor, ...options, body: brandedContent(settings, body) });
