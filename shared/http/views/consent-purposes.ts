import type { ConsentPurpose } from '../../domain/consent/consent-purpose.ts';
import type { ConsentState } from '../../domain/consent/application-consent.ts';
import { badRequest } from '../errors.ts';
import { html, type SafeHtml } from './html.ts';

/** Why data may be used, as a person reads it (GDPR Art. 6(1)). */
const legalBasisText: Readonly<Record<string, string>> = {
  consent: 'with your consent', contract: 'to provide the service you signed up for', legal_obligation: 'because the law requires it',
  vital_interests: 'to protect someone\'s life', public_task: 'for a task in the public interest', legitimate_interests: 'for our legitimate interests',
};

/** One purpose: what and why, which data, and a box to tick when the user may decline it (unticked unless they accepted it before). */
const purposeItem = (p: ConsentPurpose, acceptedBefore: boolean, isNew: boolean) => html`<li class="purpose" id="purpose-${p.id}">
<label>${p.mandatory ? html`<input type="checkbox" checked disabled>` : html`<input type="checkbox" name="purpose_${p.id}" value="accept"${acceptedBefore ? html` checked` : ''}>`}
<strong>${p.name}</strong>${p.mandatory ? html` <span class="muted">(required)</span>` : ''}${isNew ? html` <span class="muted">(new or changed)</span>` : ''}</label>
<p>${p.description}</p>
<p class="muted">Data: ${p.claims.length ? p.claims.join(', ') : 'none beyond your sign-in'} · Used ${legalBasisText[p.legalBasis] ?? p.legalBasis}</p>
</li>`;

/** The purposes section of a consent form (OIDC and SAML alike); empty when the application names none. */
export function consentPurposesSection(applicationName: string, state: ConsentState): SafeHtml | '' {
  if (!state.needed.length) return '';
  const acceptedBefore = (p: ConsentPurpose) => state.previous?.purposes?.some((d) => d.id === p.id && d.accepted) ?? false;
  return html`<h2>Why ${applicationName} uses your data</h2>
<ul id="purposes">${state.needed.map((p) => purposeItem(p, acceptedBefore(p), state.toAsk.includes(p)))}</ul>
<p class="muted">You can change these later in your account.</p>`;
}

/** The optional purposes a submitted consent form ticked. */
export const tickedPurposes = (state: ConsentState, form: URLSearchParams): Set<string> => new Set(state.needed.filter((p) => form.get(`purpose_${p.id}`) === 'accept').map((p) => p.id));

/** The consent form of either protocol: the pending request, the purposes, Allow and Deny. */
export const consentForm = (view: { action: string; csrf: string; transaction: string; applicationName: string; state: ConsentState }): SafeHtml => html`<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="tx" value="${view.transaction}">
${consentPurposesSection(view.applicationName, view.state)}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;

/** The button the user pressed on a consent form. */
export function consentDecisionOf(form: URLSearchParams): 'allow' | 'deny' {
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'deny') throw badRequest('Choose Allow or Deny.');
  return decision;
}
