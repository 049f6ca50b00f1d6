import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
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
  /** A pending federated link this password sign-in confirms, and what the page says about it. */
  readonly link?: string;
  readonly notice?: string;
}


export function loginPage(view: LoginFormView): string {
  return brandedPage(view.settings, view.nonce, `Sign in to ${view.settings.branding.displayName}`, html`<h1>Sign in</h1>
${view.error ? html`<p class="notice" role="alert" id="login-error">${view.error}</p>` : ''}
${view.notice ? html`<p class="note" id="login-note">${view.notice}</p>` : ''}
${view.password || view.identifierFirst ? html`<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
${view.transaction ? html`<input type="hidden" name="tx" value="${view.transaction}">` : ''}
${view.returnTo ? html`<input type="hidden" name="return_to" value="${view.returnTo}">` : ''}
${view.link ? html`<input type="hidden" name="link" value="${view.link}">` : ''}
<label for="identifier">${view.identifierFirst ? 'Email' : 'Email or username'}
<input id="identifier" name="identifier" type="${view.identifierFirst ? 'email' : 'text'}" autocomplete="username" required maxlength="256" value="${view.identifier ?? ''}"${view.identifier ? '' : ' autofocus'}></label>
${view.password ? html`<label for="password">Password
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${view.identifier ? ' autofocus' : ''}></label>
<button type="submit">Sign in</button>` : html`<button type="submit">Continue</button>`}
</form>` : ''}
${view.passkey ? html`<div class="alternative"><p class="muted">or</p>${passkeyForm(view.passkey)}</div>` : ''}
${view.federated?.length ? html`<div class="alternative" id="federated">${view.password || view.identifierFirst || view.passkey ? html`<p class="muted">or</p>` : ''}${view.federated.map((f) => html`<p><a class="button" href="${f.href}">Continue with ${f.name}</a></p>`)}</div>` : ''}
${view.password ? html`<p><a href="${view.action}/forgot" id="forgot-password">Forgot your password?</a></p>` : ''}
${view.settings.selfRegistration ? html`<p>New here? <a href="${view.action}/register" id="register">Create an account</a></p>` : ''}`);
}

export interface AccountChooserView {
  readonly nonce: string;
  readonly csrf: string;
  readonly action: string;
  readonly settings: TenantSettings;
  readonly transaction: string;
  readonly who: string;
}

/** prompt=select_account: go on as the signed-in user, or sign in with another account. */
export function accountChooserPage(view: AccountChooserView): string {
  return brandedPage(view.settings, view.nonce, 'Choose an account', html`<h1>Choose an account</h1>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="tx" value="${view.transaction}">
<button type="submit" name="account" value="current" id="continue-as">Continue as ${view.who}</button>
<button type="submit" name="account" value="another" class="secondary">Use another account</button>
</form>`);
}

export function signedInPage(nonce: string, settings: TenantSettings, who: string, logoutUrl: string): string {
  return brandedPage(settings, nonce, `Signed in to ${settings.branding.displayName}`, html`<h1>You are signed in</h1>
<p>Signed in as <strong id="signed-in-as">${who}</strong>.</p>
<p><a href="${logoutUrl}" id="sign-out">Sign out</a></p>`);
}

export function signedOutPage(nonce: string, settings: TenantSettings, loginUrl: string): string {
  return brandedPage(settings, nonce, 'Signed out', html`<h1>You are signed out</h1>
<p><a href="${loginUrl}">Sign in again</a></p>`);
}
