import type { AuditEventType } from '../../../shared/domain/audit/catalogue.ts';
import { createAuditEvent, type AuditOutcome } from '../../../shared/domain/audit/event.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { negotiateLocale, type Locale } from '../../../shared/http/i18n.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';

export const loginPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login`;

/** The token of a single-use link, as its mail carries it. */
export const linkTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** An audit event of this request about a user, or by an anonymous visitor while no user is known. */
export const loginEvent = (request: HttpRequest<unknown>, tenant: Tenant, type: AuditEventType, subject: string | undefined, outcome: AuditOutcome, details: Record<string, unknown>) =>
  createAuditEvent({
    tenant: tenant.id, type, actor: subject ? { kind: 'user', id: subject } : { kind: 'anonymous' }, ...(subject ? { subject } : {}),
    clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, outcome, details,
  });

/** The language of a hosted page: the application's ui_locales (when a protocol sent the user), else the browser's. */
export const pageLocale = (request: HttpRequest<unknown>, transaction?: { readonly uiLocales?: string }): Locale => negotiateLocale(transaction?.uiLocales, request.headers['accept-language']);

/**
 * The language of a page opened from a mailed link (and of the page its form posts to): the
 * `ui_locales` the link carries (the mail's language), else the browser's. Only a supported
 * language is carried on, never what was sent.
 */
export function carriedLocale(request: HttpRequest<unknown>, carried: string | null | undefined): { locale: Locale; uiLocales?: Locale } {
  const locale = negotiateLocale(carried ?? undefined, request.headers['accept-language']);
  return carried && negotiateLocale(carried, undefined) === locale ? { locale, uiLocales: locale } : { locale };
}
