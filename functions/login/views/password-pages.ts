import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { html } from '../../../shared/http/views/html.ts';
import { brandedPage } from './branded-page.ts';

interface View {
  readonly nonce: string;
  readonly settings: TenantSettings;
}


export function forgotPasswordPage(view: View & { csrf: string; action: string; loginPath: string }): string {
  return brandedPage(view.settings, view.nonce, 'Reset your password', html`<h1>Reset your password</h1>
<p>Enter the email address of your account. We will send you a link to choose a new password.</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="email">Email
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" autofocus></label>
<button type="submit">Send the link</button>
</form>
<p><a href="${view.loginPath}">Back to sign-in</a></p>`);
}

/** The same answer whether or not the address belongs to an account (no user enumeration). */
export function resetLinkSentPage(view: View & { loginPath: string }): string {
  return brandedPage(view.settings, view.nonce, 'Check your email', html`<h1>Check your email</h1>
<p>If an account uses that address, we have sent it a link to choose a new password. The link works once, for 30 minutes.</p>
<p><a href="${view.loginPath}">Back to sign-in</a></p>`);
}

export function choosePasswordPage(view: View & { csrf: string; action: string; token: string; heading: string; errors?: readonly string[]; questions?: readonly string[] }): string {
  return brandedPage(view.settings, view.nonce, view.heading, html`<h1>${view.heading}</h1>
${view.errors?.length ? html`<div class="notice" role="alert" id="password-errors">${view.errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="token" value="${view.token}">
${view.questions?.length ? html`<fieldset id="security-questions"><legend>Answer your security questions</legend>
${view.questions.map((q, i) => html`<label for="answer-${String(i)}">${q}
<input id="answer-${String(i)}" name="answer_${String(i)}" type="text" autocomplete="off" required maxlength="200"></label>`)}
</fieldset>` : ''}
<label for="password">New password
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.settings.passwordPolicy.minLength}" maxlength="${view.settings.passwordPolicy.maxLength}" autofocus></label>
<button type="submit">Save the password</button>
</form>`);
}

export function passwordMessagePage(view: View & { heading: string; message: string; loginPath: string; status?: 'ok' | 'problem' }): string {
  return brandedPage(view.settings, view.nonce, view.heading, html`<h1>${view.heading}</h1>
<p${view.status === 'problem' ? html` class="notice" role="alert"` : ''}>${view.message}</p>
<p><a href="${view.loginPath}">Sign in</a></p>`);
}

export function registrationPage(view: View & { csrf: string; action: string; loginPath: string; values?: { givenName?: string; familyName?: string; email?: string }; errors?: readonly string[] }): string {
  return brandedPage(view.settings, view.nonce, 'Create your account', html`<h1>Create your account</h1>
${view.errors?.length ? html`<div class="notice" role="alert" id="registration-errors">${view.errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="givenName">First name
<input id="givenName" name="givenName" type="text" autocomplete="given-name" maxlength="100" value="${view.values?.givenName ?? ''}"></label>
<label for="familyName">Last name
<input id="familyName" name="familyName" type="text" autocomplete="family-name" maxlength="100" value="${view.values?.familyName ?? ''}"></label>
<label for="email">Email
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${view.values?.email ?? ''}"></label>
<label for="password">Password
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${view.settings.passwordPolicy.minLength}" maxlength="${view.settings.passwordPolicy.maxLength}"></label>
<button type="submit">Create account</button>
</form>
<p>Already have an account? <a href="${view.loginPath}">Sign in</a></p>`);
}

export function confirmEmailPage(view: View & { csrf: string; action: string; token: string }): string {
  return brandedPage(view.settings, view.nonce, 'Confirm your email', html`<h1>Confirm your email</h1>
<p>Confirm this address to activate your account.</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="token" value="${view.token}">
<button type="submit">Confirm my email</button>
</form>`);
}
