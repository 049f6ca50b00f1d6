import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { translator, type Locale } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';
import { brandedPage } from './branded-page.ts';
import { passkeyForm, type PasskeyFormView } from './passkey-views.ts';

export interface LoginFormView {
  readonly nonce: string;
  readonly csrf: string;
  readonly action: string;
  readonly settings: TenantSettings;
  readonly identifier?: string;
  readonly transaction?: string;
  /** An account page to return to after signing in. */
  readonly returnTo?: string;
  readonly error?: string;
  /** Upstream identity providers the flow's first step takes: a link each. */
  readonly federated?: ReadonlyArray<{ readonly name: string; readonly href: string }>;
  /** A username-less passkey sign-in, when the flow takes one. */
  readonly passkey?: PasskeyFormView;
  /** The flow takes a password in its first step. */
  readonly password: boolean;
  /** Ask only for the identifier first (home realm discovery may send the user to their provider). */
  readonly identifierFirst: boolean;
  /** The page's language. */
  readonly locale: Locale;
  /** A pending federated link this password sign-in confirms, and what the page says about it. */
  readonly link?: string;
  readonly notice?: string;
}


export function loginPage(view: LoginFormView): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('signIn.title', { org: view.settings.branding.displayName }), html`<h1>${t('signIn.heading')}</h1>
${view.error ? html`<p class="notice" role="alert" id="login-error">${view.error}</p>` : ''}
${view.notice ? html`<p class="note" id="login-note">${view.notice}</p>` : ''}
${view.password || view.identifierFirst ? html`<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
${view.transaction ? html`<input type="hidden" name="tx" value="${view.transaction}">` : ''}
${view.returnTo ? html`<input type="hidden" name="return_to" value="${view.returnTo}">` : ''}
${view.link ? html`<input type="hidden" name="link" value="${view.link}">` : ''}
<label for="identifier">${view.identifierFirst ? t('signIn.email') : t('signIn.emailOrUsername')}
<input id="identifier" name="identifier" type="${view.identifierFirst ? 'email' : 'text'}" autocomplete="username" required maxlength="256" value="${view.identifier ?? ''}"${view.identifier ? '' : ' autofocus'}></label>
${view.password ? html`<label for="password">${t('signIn.password')}
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${view.identifier ? ' autofocus' : ''}></label>
<button type="submit">${t('signIn.submit')}</button>` : html`<button type="submit">${t('signIn.continue')}</button>`}
</form>` : ''}
${view.passkey ? html`<div class="alternative"><p class="muted">${t('signIn.or')}</p>${passkeyForm(view.passkey)}</div>` : ''}
${view.federated?.length ? html`<div class="alternative" id="federated">${view.password || view.identifierFirst || view.passkey ? html`<p class="muted">${t('signIn.or')}</p>` : ''}${view.federated.map((f) => html`<p><a class="button" href="${f.href}">${t('signIn.continueWith', { name: f.name })}</a></p>`)}</div>` : ''}
${view.password ? html`<p><a href="${view.action}/forgot" id="forgot-password">${t('signIn.forgot')}</a></p>` : ''}
${view.settings.selfRegistration ? html`<p>${t('signIn.newHere')} <a href="${view.action}/register" id="register">${t('signIn.register')}</a></p>` : ''}`, { lang: view.locale });
}

export interface AccountChooserView {
  readonly nonce: string;
  readonly csrf: string;
  readonly action: string;
  readonly settings: TenantSettings;
  readonly transaction: string;
  readonly who: string;
  readonly locale: Locale;
}

/** prompt=select_account: go on as the signed-in user, or sign in with another account. */
export function accountChooserPage(view: AccountChooserView): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('chooser.heading'), html`<h1>${t('chooser.heading')}</h1>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="tx" value="${view.transaction}">
<button type="submit" name="account" value="current" id="continue-as">${t('chooser.continueAs', { who: view.who })}</button>
<button type="submit" name="account" value="another" class="secondary">${t('chooser.another')}</button>
</form>`, { lang: view.locale });
}

export function signedInPage(nonce: string, settings: TenantSettings, who: string, logoutUrl: string, locale: Locale = 'en'): string {
  const t = translator(locale);
  return brandedPage(settings, nonce, t('signedIn.title', { org: settings.branding.displayName }), html`<h1>${t('signedIn.heading')}</h1>
<p>${t('signedIn.as')} <strong id="signed-in-as">${who}</strong>.</p>
<p><a href="${logoutUrl}" id="sign-out">${t('signedIn.signOut')}</a></p>`, { lang: locale });
}

export function signedOutPage(nonce: string, settings: TenantSettings, loginUrl: string, locale: Locale = 'en'): string {
  const t = translator(locale);
  return brandedPage(settings, nonce, t('signedOut.title'), html`<h1>${t('signedOut.heading')}</h1>
<p><a href="${loginUrl}">${t('signedOut.again')}</a></p>`, { lang: locale });
}
