import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { translator, type Locale, type MessageKey } from '../../../shared/http/i18n.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { brandedPage } from '../../../shared/http/views/branded-page.ts';

interface PageBase {
  readonly nonce: string;
  readonly csrf: string;
  readonly settings: TenantSettings;
  readonly action: string;
  readonly locale: Locale;
  readonly error?: string;
}

export interface MethodChoice {
  readonly id: string;
  readonly label: string;
}

const labels: Readonly<Record<string, { title: MessageKey; prompt: MessageKey; input: string }>> = {
  totp: { title: 'step.totp.title', prompt: 'step.totp.prompt', input: 'numeric' },
  email_otp: { title: 'common.checkEmail', prompt: 'step.emailOtp.prompt', input: 'numeric' },
  recovery_code: { title: 'step.recoveryCode.title', prompt: 'step.recoveryCode.prompt', input: 'text' },
};

/** Links to the step's other methods the user can use, after a lead such as "Other ways:". */
export const otherWays = (lead: string, others: readonly MethodChoice[], stepPath: string) =>
  others.length ? html`<p class="muted">${lead} ${others.map((o, i) => html`${i ? ' · ' : ''}<a href="${stepPath}?method=${o.id}">${o.label}</a>`)}</p>` : '';

const notice = (error?: string) => (error ? html`<p class="notice" role="alert" id="step-error">${error}</p>` : '');

/** A step of the sign-in: the code field for one method, and links to the others the user can use. */
export function factorStepPage(view: PageBase & { method: string; others: readonly MethodChoice[]; stepPath: string }): string {
  const t = translator(view.locale);
  const text = labels[view.method]!;
  return brandedPage(view.settings, view.nonce, t(text.title), html`<h1>${t(text.title)}</h1>
<p>${t(text.prompt)}</p>
${notice(view.error)}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="method" value="${view.method}">
<label for="code">${t('common.code')}
<input id="code" name="code" type="text" inputmode="${text.input}" autocomplete="one-time-code" required maxlength="20" autofocus></label>
<button type="submit">${t('step.verify')}</button>
</form>
${otherWays(t('step.otherWays'), view.others, view.stepPath)}`, { lang: view.locale });
}

/** Enrolment of an authenticator app: the QR code, the key to type instead, and a code to prove it works. */
export function totpEnrolmentPage(view: PageBase & { qrDataUrl: string; manualKey: string; others: SafeHtml | string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('enrolTotp.title'), html`<h1>${t('enrolTotp.title')}</h1>
<p>${t('enrolTotp.intro', { org: view.settings.branding.displayName })}</p>
<img src="${view.qrDataUrl}" alt="${t('common.qrAlt')}" width="200" height="200">
<p>${t.html('enrolTotp.cantScan', { key: html`<code id="manual-key">${view.manualKey}</code>` })}</p>
${notice(view.error)}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="code">${t('common.codeFromApp')}
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" autofocus></label>
<button type="submit">${t('enrolTotp.submit')}</button>
</form>
${view.others}`, { lang: view.locale });
}

/** Shown once, right after enrolment: the recovery codes. */
export function recoveryCodesPage(view: Omit<PageBase, 'error'> & { codes: readonly string[] }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('recoveryCodes.title'), html`<h1>${t('recoveryCodes.title')}</h1>
<p>${t('recoveryCodes.intro')}</p>
<ul id="recovery-codes">${view.codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<button type="submit">${t('recoveryCodes.done')}</button>
</form>`, { lang: view.locale });
}

/** The flow denied the sign-in, or asks for a factor the user has not got and may not enrol. */
export function cannotSignInPage(view: { nonce: string; settings: TenantSettings; message: string; loginPath: string; locale: Locale }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('cannotSignIn.title'), html`<h1>${t('cannotSignIn.title')}</h1>
<p class="notice" role="alert">${view.message}</p>
<p><a href="${view.loginPath}">${t('common.backToSignIn')}</a></p>`, { lang: view.locale });
}
