import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { brandedPage } from './branded-page.ts';

interface PageBase {
  readonly nonce: string;
  readonly csrf: string;
  readonly settings: TenantSettings;
  readonly action: string;
  readonly error?: string;
}

export interface MethodChoice {
  readonly id: string;
  readonly label: string;
}

const labels: Readonly<Record<string, { title: string; prompt: string; input: string }>> = {
  totp: { title: 'Enter the code from your authenticator app', prompt: 'Open your authenticator app and enter the 6-digit code it shows for this account.', input: 'numeric' },
  email_otp: { title: 'Check your email', prompt: 'We sent a 6-digit code to your email address. It is valid for 10 minutes.', input: 'numeric' },
  recovery_code: { title: 'Use a recovery code', prompt: 'Enter one of the recovery codes you saved when you set up two-step verification. Each code works once.', input: 'text' },
};

/** Links to the step's other methods the user can use. */
export const otherWays = (lead: string, others: readonly MethodChoice[], stepPath: string) =>
  others.length ? html`<p class="muted">${lead}: ${others.map((o, i) => html`${i ? ' · ' : ''}<a href="${stepPath}?method=${o.id}">${o.label}</a>`)}</p>` : '';

const notice = (error?: string) => (error ? html`<p class="notice" role="alert" id="step-error">${error}</p>` : '');

/** A step of the sign-in: the code field for one method, and links to the others the user can use. */
export function factorStepPage(view: PageBase & { method: string; others: readonly MethodChoice[]; stepPath: string }): string {
  const text = labels[view.method]!;
  return brandedPage(view.settings, view.nonce, text.title, html`<h1>${text.title}</h1>
<p>${text.prompt}</p>
${notice(view.error)}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="method" value="${view.method}">
<label for="code">Code
<input id="code" name="code" type="text" inputmode="${text.input}" autocomplete="one-time-code" required maxlength="20" autofocus></label>
<button type="submit">Verify</button>
</form>
${otherWays('Other ways', view.others, view.stepPath)}`);
}

/** Enrolment of an authenticator app: the QR code, the key to type instead, and a code to prove it works. */
export function totpEnrolmentPage(view: PageBase & { qrDataUrl: string; manualKey: string; others: SafeHtml | string }): string {
  return brandedPage(view.settings, view.nonce, 'Set up two-step verification', html`<h1>Set up two-step verification</h1>
<p>${view.settings.branding.displayName} needs a second step when you sign in. Scan this code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), then enter the code it shows.</p>
<img src="${view.qrDataUrl}" alt="QR code for your authenticator app" width="200" height="200">
<p>Can't scan it? Enter this key in the app: <code id="manual-key">${view.manualKey}</code></p>
${notice(view.error)}
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="code">Code from the app
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" autofocus></label>
<button type="submit">Turn on two-step verification</button>
</form>
${view.others}`);
}

/** Shown once, right after enrolment: the recovery codes. */
export function recoveryCodesPage(view: Omit<PageBase, 'error'> & { codes: readonly string[] }): string {
  return brandedPage(view.settings, view.nonce, 'Save your recovery codes', html`<h1>Save your recovery codes</h1>
<p>If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe: they are shown only now.</p>
<ul id="recovery-codes">${view.codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<button type="submit">I saved them, continue</button>
</form>`);
}

/** The flow denied the sign-in, or asks for a factor the user has not got and may not enrol. */
export function cannotSignInPage(view: { nonce: string; settings: TenantSettings; message: string; loginPath: string }): string {
  return brandedPage(view.settings, view.nonce, 'You cannot sign in', html`<h1>You cannot sign in</h1>
<p class="notice" role="alert">${view.message}</p>
<p><a href="${view.loginPath}">Back to sign-in</a></p>`);
}
