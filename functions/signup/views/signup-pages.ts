import type { ConfirmedTenant } from '../../../shared/domain/tenants/signup-service.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

export interface SignupFormView {
  readonly nonce: string;
  readonly csrf: string;
  readonly values: Readonly<Record<string, string>>;
  readonly problems: Readonly<Record<string, string>>;
  readonly notice?: string;
}

const field = (view: SignupFormView, name: string, label: string, type: string, autocomplete: string, extra: SafeHtml = html``) => {
  const problem = view.problems[name];
  const id = `f-${name}`;
  return html`<label for="${id}">${label}
<input id="${id}" name="${name}" type="${type}" autocomplete="${autocomplete}" required ${extra} value="${type === 'password' ? '' : (view.values[name] ?? '')}"${problem ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${problem ? html`<span id="${id}-error" class="field-error">${problem}</span>` : ''}</label>`;
};

export function signupPage(view: SignupFormView): string {
  return page({
    title: 'Create your tenant',
    nonce: view.nonce,
    body: html`<h1>Create your tenant</h1>
<p class="muted">Your own OpenID Connect and SAML identity provider, with hosted sign-in pages.</p>
${view.notice ? html`<p class="notice" role="alert">${view.notice}</p>` : ''}
<form method="post" action="/signup" novalidate>
<input type="hidden" name="csrf" value="${view.csrf}">
${field(view, 'organizationName', 'Organization name', 'text', 'organization', html`maxlength="100"`)}
${field(view, 'tenant', 'Tenant name (used in your URLs)', 'text', 'off', html`maxlength="40" pattern="[a-z0-9-]{3,40}" spellcheck="false"`)}
${field(view, 'adminName', 'Your name', 'text', 'name', html`maxlength="100"`)}
${field(view, 'adminEmail', 'Your work email', 'email', 'email', html`maxlength="254"`)}
${field(view, 'adminPassword', 'Password (at least 12 characters)', 'password', 'new-password', html`minlength="12" maxlength="128"`)}
<button type="submit">Create tenant</button>
</form>`,
  });
}

export function checkEmailPage(nonce: string, email: string): string {
  return page({
    title: 'Check your email',
    nonce,
    body: html`<h1>Check your email</h1>
<p>We sent a confirmation link to <strong>${email}</strong>. Open it within 24 hours to create your tenant.</p>
<p class="muted">The link works once. If nothing arrives, check your spam folder.</p>`,
  });
}

export function confirmPage(nonce: string, csrf: string, token: string): string {
  return page({
    title: 'Confirm your email',
    nonce,
    body: html`<h1>Confirm your email</h1>
<p>Confirm your address to create your tenant and its first administrator.</p>
<form method="post" action="/signup/confirm">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm and create my tenant</button>
</form>`,
  });
}

export function confirmedPage(nonce: string, result: ConfirmedTenant): string {
  return page({
    title: 'Your tenant is ready',
    nonce,
    body: html`<h1>Your tenant is ready</h1>
<dl>
<dt>Issuer</dt><dd><code>${result.issuer}</code></dd>
<dt>Sign-in page</dt><dd><a href="${result.loginUrl}">${result.loginUrl}</a></dd>
<dt>Console</dt><dd><code>${result.consoleUrl}</code></dd>
<dt>Management client_id</dt><dd><code>${result.managementClient.client_id}</code></dd>
<dt>client_secret</dt><dd><code>${result.managementClient.client_secret}</code></dd>
</dl>
<p class="note" role="note">Copy the client secret now: it is shown only this once and stored only as a hash.</p>
<p><a href="${result.loginUrl}">Sign in to ${result.tenant}</a></p>`,
  });
}
