import type { ConfirmedTenant } from '../../../shared/domain/tenants/signup-service.ts';
import { translator, type Locale, type MessageKey, type Translate } from '../../../shared/http/i18n.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

/** The signup console's pages, in the browser's language (Accept-Language). */

export interface SignupFormView {
  readonly nonce: string;
  readonly csrf: string;
  readonly locale: Locale;
  readonly values: Readonly<Record<string, string>>;
  /** Field → problem, already in the page's language. */
  readonly problems: Readonly<Record<string, string>>;
  readonly notice?: string;
}

const field = (t: Translate, view: SignupFormView, name: string, label: MessageKey, type: string, autocomplete: string, extra: SafeHtml = html``) => {
  const problem = view.problems[name];
  const id = `f-${name}`;
  return html`<label for="${id}">${t(label)}
<input id="${id}" name="${name}" type="${type}" autocomplete="${autocomplete}" required ${extra} value="${type === 'password' ? '' : (view.values[name] ?? '')}"${problem ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${problem ? html`<span id="${id}-error" class="field-error">${problem}</span>` : ''}</label>`;
};

export function signupPage(view: SignupFormView): string {
  const t = translator(view.locale);
  return page({
    title: t('signup.title'),
    nonce: view.nonce,
    lang: view.locale,
    body: html`<h1>${t('signup.title')}</h1>
<p class="muted">${t('signup.intro')}</p>
${view.notice ? html`<p class="notice" role="alert">${view.notice}</p>` : ''}
<form method="post" action="/signup" novalidate>
<input type="hidden" name="csrf" value="${view.csrf}">
${field(t, view, 'organizationName', 'signup.organizationName', 'text', 'organization', html`maxlength="100"`)}
${field(t, view, 'tenant', 'signup.tenant', 'text', 'off', html`maxlength="40" pattern="[a-z0-9-]{3,40}" spellcheck="false"`)}
${field(t, view, 'adminName', 'signup.adminName', 'text', 'name', html`maxlength="100"`)}
${field(t, view, 'adminEmail', 'signup.adminEmail', 'email', 'email', html`maxlength="254"`)}
${field(t, view, 'adminPassword', 'signup.adminPassword', 'password', 'new-password', html`minlength="12" maxlength="128"`)}
<button type="submit">${t('signup.submit')}</button>
</form>`,
  });
}

export function checkEmailPage(nonce: string, email: string, locale: Locale): string {
  const t = translator(locale);
  return page({
    title: t('common.checkEmail'),
    nonce,
    lang: locale,
    body: html`<h1>${t('common.checkEmail')}</h1>
<p>${t.html('signup.sent', { email: html`<strong>${email}</strong>` })}</p>
<p class="muted">${t('signup.spam')}</p>`,
  });
}

export function confirmPage(nonce: string, csrf: string, token: string, locale: Locale): string {
  const t = translator(locale);
  return page({
    title: t('verify.title'),
    nonce,
    lang: locale,
    body: html`<h1>${t('verify.title')}</h1>
<p>${t('signup.confirm.intro')}</p>
<form method="post" action="/signup/confirm">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="token" value="${token}">
<button type="submit">${t('signup.confirm.submit')}</button>
</form>`,
  });
}

export function confirmedPage(nonce: string, result: ConfirmedTenant, locale: Locale): string {
  const t = translator(locale);
  return page({
    title: t('signup.ready.title'),
    nonce,
    lang: locale,
    body: html`<h1>${t('signup.ready.title')}</h1>
<dl>
<dt>${t('signup.ready.issuer')}</dt><dd><code>${result.issuer}</code></dd>
<dt>${t('signup.ready.loginPage')}</dt><dd><a href="${result.loginUrl}">${result.loginUrl}</a></dd>
<dt>${t('signup.ready.console')}</dt><dd><a href="${result.consoleUrl}">${result.consoleUrl}</a></dd>
<dt>${t('signup.ready.clientId')}</dt><dd><code>${result.managementClient.client_id}</code></dd>
<dt>${t('signup.ready.clientSecret')}</dt><dd><code>${result.managementClient.client_secret}</code></dd>
</dl>
<p class="note" role="note">${t('signup.ready.secretNote')}</p>
<p><a href="${result.consoleUrl}">${t('signup.ready.openConsole')}</a> · <a href="${result.loginUrl}">${t('signup.ready.signIn', { tenant: result.tenant })}</a></p>`,
  });
}
