import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { translator, type Locale } from '../../../shared/http/i18n.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import type { BrowserCeremony } from '../factors/passkey-ceremony.ts';
import { brandedPage } from '../../../shared/http/views/branded-page.ts';

/**
 * The browser half of a passkey ceremony: the options come from the form's data attribute
 * (escaped like any attribute), binary fields are base64url both ways (WebAuthn's JSON
 * encoding), and the result is posted with the form, so no fetch and no extra endpoint.
 */
const script = (nonce: string) => html`<script nonce="${nonce}">
(() => {
  const decode = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0)).buffer;
  const encode = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  const credentials = (list) => (list || []).map((c) => ({ ...c, id: decode(c.id) }));
  const asJson = (credential) => {
    const r = credential.response;
    const response = { clientDataJSON: encode(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = encode(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = encode(r.authenticatorData);
      response.signature = encode(r.signature);
      if (r.userHandle) response.userHandle = encode(r.userHandle);
    }
    return { id: credential.id, rawId: encode(credential.rawId), type: credential.type, response, clientExtensionResults: credential.getClientExtensionResults(), authenticatorAttachment: credential.authenticatorAttachment || undefined };
  };
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const status = form.querySelector('[data-passkey-status]');
    const { unsupported, notUsed } = status.dataset;
    form.querySelector('button').addEventListener('click', async (event) => {
      event.preventDefault();
      if (!window.PublicKeyCredential) { status.textContent = unsupported; return; }
      const options = JSON.parse(form.dataset.options);
      try {
        const credential = form.dataset.passkey === 'create'
          ? await navigator.credentials.create({ publicKey: { ...options, challenge: decode(options.challenge), user: { ...options.user, id: decode(options.user.id) }, excludeCredentials: credentials(options.excludeCredentials) } })
          : await navigator.credentials.get({ publicKey: { ...options, challenge: decode(options.challenge), allowCredentials: credentials(options.allowCredentials) } });
        form.elements.credential.value = JSON.stringify(asJson(credential));
        form.submit();
      } catch (error) {
        status.textContent = notUsed;
      }
    });
  }
})();
</script>`;

export interface PasskeyFormView {
  readonly nonce: string;
  readonly csrf: string;
  readonly action: string;
  readonly ceremony: BrowserCeremony;
  readonly button: string;
  /** The language of the script's messages, as the page's. */
  readonly locale: Locale;
  readonly hidden?: Readonly<Record<string, string>>;
}

/** A form that runs a ceremony when its button is pressed and posts the credential; its status line holds the script's messages. */
export function passkeyForm(view: PasskeyFormView): SafeHtml {
  const t = translator(view.locale);
  return html`<form method="post" action="${view.action}" data-passkey="${view.ceremony.mode}" data-options="${JSON.stringify(view.ceremony.options)}" id="passkey-form">
<input type="hidden" name="csrf" value="${view.csrf}">
<input type="hidden" name="ceremony" value="${view.ceremony.ceremony}">
<input type="hidden" name="credential" value="">
${Object.entries(view.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="button" id="passkey-button">${view.button}</button>
<p class="muted" role="status" aria-live="polite" data-passkey-status data-unsupported="${t('passkey.unsupported')}" data-not-used="${t('passkey.notUsed')}"></p>
</form>
${script(view.nonce)}`;
}

interface PageBase {
  readonly nonce: string;
  readonly settings: TenantSettings;
  readonly locale: Locale;
  readonly error?: string;
}

const notice = (error?: string) => (error ? html`<p class="notice" role="alert" id="step-error">${error}</p>` : '');

/** A second step by passkey. */
export function passkeyStepPage(view: PageBase & { form: PasskeyFormView; others: SafeHtml | string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('step.passkey.title'), html`<h1>${t('step.passkey.title')}</h1>
<p>${t('step.passkey.prompt')}</p>
${notice(view.error)}
${passkeyForm(view.form)}
${view.others}`, { lang: view.locale });
}

/** Enrolment of a passkey when a step needs one the user has not got. */
export function passkeyEnrolmentPage(view: PageBase & { form: PasskeyFormView; others: SafeHtml | string }): string {
  const t = translator(view.locale);
  return brandedPage(view.settings, view.nonce, t('enrolPasskey.title'), html`<h1>${t('enrolPasskey.title')}</h1>
<p>${t('enrolPasskey.intro', { org: view.settings.branding.displayName })}</p>
${notice(view.error)}
${passkeyForm(view.form)}
${view.others}`, { lang: view.locale });
}
