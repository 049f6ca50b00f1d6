import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { translator, type Locale, type MessageKey } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';
import { brandedPage } from '../../../shared/http/views/branded-page.ts';

interface View {
  readonly nonce: string;
  readonly settings: TenantSettings;
  readonly locale: Locale;
}

/**
 * Hidden fields that keep a page's language on the page its form posts to: the sign-in's
 * transaction (its ui_locales), or the language a mailed link was written in.
 */
export interface LanguageCarrier {
  readonly transaction?: string;
  readonly uiLocales?: string;
}

const carried = (view: LanguageCarrier) => html`${view.transaction ? html`<input type="hidden" name="tx" value="${view.transaction}">` : ''}${view.uiLocales ? html`<input type="hidden" name="ui_locales" value="${view.uiLocales}">` : ''}`;

export function forgotPasswordPage(view: View & LanguageCarrier & { csrf: string; action: string; loginPath: string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('forgot.title'), html`<h1>${t('forgot.title')}</h1>
<p>${t('forgot.intro')}</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">${carried(view)}
<label for="email">${t('common.email')}
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" autofocus></label>
<button type="submit">${t('forgot.submit')}</button>
</form>
<p><a href="${view.loginPath}">${t('common.backToSignIn')}</a></p>`, { lang: view.locale });
}

/** The same answer whether or not the address belongs to an account (no user enumeration). */
export function resetLinkSentPage(view: View & { loginPath: string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('common.checkEmail'), html`<h1>${t('common.checkEmail')}</h1>
<p>${t('resetSent.body')}</p>
<p><a href="${view.loginPath}">${t('common.backToSignIn')}</a></p>`, { lang: view.locale });
}

export function choosePasswordPage(view: View & LanguageCarrier & { csrf: string; action: string; token: string; heading: MessageKey; errors?: readonly string[]; questions?: readonly string[] }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t(view.heading), html`<h1>${t(view.heading)}</h1>
${view.errors?.length ? html`<div class="notice" role="alert" id="password-errors">${view.errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="token" value="${view.token}">${carried(view)}
${view.questions?.length ? html`<fieldset id="security-questions"><legend>${t('newPassword.questions')}</legend>
${view.questions.map((q, i) => html`<label for="answer-${String(i)}">${q}
<input id="answer-${String(i)}" name="answer_${String(i)}" type="text" autocomplete="off" required maxlength="200"></label>`)}
</fieldset>` : ''}
<label for="password">${t('newPassword.label')}
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.settings.passwordPolicy.minLength}" maxlength="${view.settings.passwordPolicy.maxLength}" autofocus></label>
<button type="submit">${t('newPassword.submit')}</button>
</form>`, { lang: view.locale });
}

export function passwordMessagePage(view: View & { heading: MessageKey; message: MessageKey; loginPath: string; status?: 'ok' | 'problem' }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t(view.heading), html`<h1>${t(view.heading)}</h1>
<p${view.status === 'problem' ? html` class="notice" role="alert"` : ''}>${t(view.message)}</p>
<p><a href="${view.loginPath}">${t('common.signIn')}</a></p>`, { lang: view.locale });
}

export function registrationPage(view: View & LanguageCarrier & { csrf: string; action: string; loginPath: string; values?: { givenName?: string; familyName?: string; email?: string }; errors?: readonly string[] }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('register.title'), html`<h1>${t('register.title')}</h1>
${view.errors?.length ? html`<div class="notice" role="alert" id="registration-errors">${view.errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">${carried(view)}
<label for="givenName">${t('register.givenName')}
<input id="givenName" name="givenName" type="text" autocomplete="given-name" maxlength="100" value="${view.values?.givenName ?? ''}"></label>
<label for="familyName">${t('register.familyName')}
<input id="familyName" name="familyName" type="text" autocomplete="family-name" maxlength="100" value="${view.values?.familyName ?? ''}"></label>
<label for="email">${t('common.email')}
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${view.values?.email ?? ''}"></label>
<label for="password">${t('common.password')}
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.settings.passwordPolicy.minLength}" maxlength="${view.settings.passwordPolicy.maxLength}"></label>
<button type="submit">${t('register.submit')}</button>
</form>
<p>${t('register.haveAccount')} <a href="${view.loginPath}">${t('common.signIn')}</a></p>`, { lang: view.locale });
}

export function confirmEmailPage(view: View & LanguageCarrier & { csrf: string; action: string; token: string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('verify.title'), html`<h1>${t('verify.title')}</h1>
<p>${t('verify.intro')}</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="token" value="${view.token}">${carried(view)}
<button type="submit">${t('verify.submit')}</button>
</form>`, { lang: view.locale });
}
