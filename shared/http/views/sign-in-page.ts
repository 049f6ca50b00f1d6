import type { TenantSettings } from '../../domain/tenants/settings.ts';
import { translator, type Locale } from '../i18n.ts';
import { brandedPage } from './branded-page.ts';
import { html, type SafeHtml } from './html.ts';

/** The hosted sign-in page (the login function serves it; the console's branding screen previews it). */
export interface SignInView {
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
  /** A username-less passkey sign-in form, when the flow takes one. */
  readonly passkey?: SafeHtml;
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

/** The sign-in page's content, below the brand. */
export function signInContent(view: SignInView): SafeHtml {
  const t = translator(view.locale);
  // The password and registration pages go on in the sign-in's language (its ui_locales).
  const within = view.transaction ? `?tx=${view.transaction}` : '';
  return html`<h1>${t('signIn.heading')}</h1>
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
${view.passkey ? html`<div class="alternative"><p class="muted">${t('signIn.or')}</p>${view.passkey}</div>` : ''}
${view.federated?.length ? html`<div class="alternative" id="federated">${view.password || view.identifierFirst || view.passkey ? html`<p class="muted">${t('signIn.or')}</p>` : ''}${view.federated.map((f) => html`<p><a class="button" href="${f.href}">${t('signIn.continueWith', { name: f.name })}</a></p>`)}</div>` : ''}
${view.password ? html`<p><a href="${view.action}/forgot${within}" id="forgot-password">${t('signIn.forgot')}</a></p>` : ''}
${view.settings.selfRegistration ? html`<p>${t('signIn.newHere')} <a href="${view.action}/register${within}" id="register">${t('signIn.register')}</a></p>` : ''}`;
}

/** The hosted sign-in page in the tenant's branding. */
export const signInPage = (view: SignInView): string =>
  brandedPage(view.settings, view.nonce, translator(view.locale)('signIn.title', { org: view.settings.branding.displayName }), signInContent(view), { lang: view.locale });
