import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { translator, type Locale } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';
import { brandedPage } from '../../../shared/http/views/branded-page.ts';
import { signInPage, type SignInView } from '../../../shared/http/views/sign-in-page.ts';
import { passkeyForm, type PasskeyFormView } from './passkey-views.ts';

/** The sign-in form's view, with the login function's own passkey ceremony when the flow takes one. */
export interface LoginFormView extends Omit<SignInView, 'passkey'> {
  readonly passkey?: PasskeyFormView;
}

export function loginPage(view: LoginFormView): string {
  const { passkey, ...rest } = view;
  return signInPage({ ...rest, ...(passkey ? { passkey: passkeyForm(passkey) } : {}) });
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
