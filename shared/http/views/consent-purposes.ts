import type { ConsentPurpose } from '../../domain/consent/consent-purpose.ts';
import type { ConsentState } from '../../domain/consent/application-consent.ts';
import { badRequest } from '../errors.ts';
import { isMessageKey, translator, type Locale, type Translate } from '../i18n.ts';
import { html, type SafeHtml } from './html.ts';

/** Why data may be used, as a person reads it (GDPR Art. 6(1)). */
const legalBasisText = (t: Translate, basis: string) => { const key = `consent.basis.${basis}`; return isMessageKey(key) ? t(key) : basis; };

/**
 * One purpose: what and why, which data, and a box to tick when the user may decline it (unticked
 * unless they accepted it before). Its name and description are the administrator's words, as written.
 */
const purposeItem = (t: Translate, p: ConsentPurpose, acceptedBefore: boolean, isNew: boolean) => html`<li class="purpose" id="purpose-${p.id}">
<label>${p.mandatory ? html`<input type="checkbox" checked disabled>` : html`<input type="checkbox" name="purpose_${p.id}" value="accept"${acceptedBefore ? html` checked` : ''}>`}
<strong>${p.name}</strong>${p.mandatory ? html` <span class="muted">${t('consent.purpose.required')}</span>` : ''}${isNew ? html` <span class="muted">${t('consent.purpose.new')}</span>` : ''}</label>
<p>${p.description}</p>
<p class="muted">${t('consent.purpose.data', { claims: p.claims.length ? p.claims.join(', ') : t('consent.purpose.noData'), basis: legalBasisText(t, p.legalBasis) })}</p>
</li>`;

/** The purposes section of a consent form (OIDC and SAML alike); empty when the application names none. */
export function consentPurposesSection(applicationName: string, state: ConsentState, locale: Locale = 'en'): SafeHtml | '' {
  if (!state.needed.length) return '';
  const t = translator(locale);
  const acceptedBefore = (p: ConsentPurpose) => state.previous?.purposes?.some((d) => d.id === p.id && d.accepted) ?? false;
  return html`<h2>${t('consent.purposes.heading', { app: applicationName })}</h2>
<ul id="purposes">${state.needed.map((p) => purposeItem(t, p, acceptedBefore(p), state.toAsk.includes(p)))}</ul>
<p class="muted">${t('consent.purposes.later')}</p>`;
}

/** The optional purposes a submitted consent form ticked. */
export const tickedPurposes = (state: ConsentState, form: URLSearchParams): Set<string> => new Set(state.needed.filter((p) => form.get(`purpose_${p.id}`) === 'accept').map((p) => p.id));

/** The consent form of either protocol: the pending request, the purposes, Allow and Deny. */
export const consentForm = (view: { action: string; csrf: string; transaction: string; applicationName: string; state: ConsentState; locale?: Locale }): SafeHtml => {
  const t = translator(view.locale ?? 'en');
  return html`<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="tx" value="${view.transaction}">
${consentPurposesSection(view.applicationName, view.state, t.locale)}
<button type="submit" name="decision" value="allow">${t('consent.allow')}</button>
<button type="submit" name="decision" value="deny">${t('consent.deny')}</button>
</form>`;
};

/** The button the user pressed on a consent form. */
export function consentDecisionOf(form: URLSearchParams): 'allow' | 'deny' {
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'deny') throw badRequest('Choose Allow or Deny.');
  return decision;
}
