import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

/** The tenant's logo and name, atop each of its pages. */
const brand = (settings: TenantSettings) =>
  html`<div class="brand">${settings.branding.logoUrl ? html`<img src="${settings.branding.logoUrl}" alt="">` : ''}<strong>${settings.branding.displayName}</strong></div>`;

/** A hosted page in the tenant's branding. */
export const brandedPage = (settings: TenantSettings, nonce: string, title: string, body: SafeHtml, options: { wide?: boolean; lang?: string } = {}): string =>
  page({ title, nonce, accent: settings.branding.primaryColor, ...options, body: html`${brand(settings)}
${body}` });
