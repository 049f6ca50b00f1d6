import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { formatMoment, isMessageKey, translator, type Locale, type Translate } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';
import { brandedPage } from '../../../shared/http/views/branded-page.ts';

/**
 * The account portal (issue: console and account portal): one server-rendered page with what
 * the user can see about themselves; its buttons and the profile form call the account API
 * (`…/account/api`) through the small script below, which follows the API's answers (a sign-in
 * again when a change needs a recent one). Without script the page still shows everything and
 * the export still downloads; changes need script, as the API takes JSON only.
 */

export interface AccountPortalView {
  readonly nonce: string;
  readonly settings: TenantSettings;
  readonly apiBase: string;
  readonly logoutUrl: string;
  readonly profile: { readonly userName: string; readonly emails: readonly { readonly value: string; readonly verified: boolean }[]; readonly givenName?: string; readonly familyName?: string; readonly displayName?: string; readonly locale?: string };
  readonly factors: readonly { readonly id: string; readonly label: string; readonly kind: string; readonly detail?: string }[];
  /** The user has an authenticator app already (one at a time). */
  readonly hasTotp: boolean;
  readonly sessions: readonly { readonly id: string; readonly current: boolean; readonly signedInAt: string; readonly methods: readonly string[] }[];
  readonly consents: readonly { readonly application: string; readonly scopes: readonly string[]; readonly grantedAt: string }[];
  readonly linked: readonly { readonly provider: string; readonly email?: string; readonly linkedAt: string }[];
  /** The page's language (the user's own, else the browser's); factor labels come in it. */
  readonly locale: Locale;
}

const script = (nonce: string, apiBase: string, logoutUrl: string, failed: string) => html`<script nonce="${nonce}" id="account-script" data-api="${apiBase}" data-logout="${logoutUrl}" data-failed="${failed}">
(() => {
  const { api, logout, failed } = document.getElementById('account-script').dataset;
  const status = document.getElementById('status');
  const say = (text) => { status.textContent = text; };
  async function call(method, path, body) {
    const res = await fetch(api + path, { method, credentials: 'same-origin', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    if (res.ok) return res;
    const problem = await res.json().catch(() => ({}));
    if (problem.reauthenticate) { location.href = problem.reauthenticate; return undefined; }
    if (problem.login) { location.href = problem.login; return undefined; }
    say(problem.detail || failed);
    return undefined;
  }
  const actions = {
    'end-session': (b) => call('DELETE', '/sessions/' + encodeURIComponent(b.dataset.id)),
    'withdraw-consent': (b) => call('DELETE', '/consents/' + encodeURIComponent(b.dataset.id)),
    'remove-factor': (b) => call('DELETE', '/factors/' + encodeURIComponent(b.dataset.id)),
    'delete-account': () => call('DELETE', '/account'),
  };
  const show = (id) => { const element = document.getElementById(id); element.hidden = false; return element; };
  const showCodes = (codes) => {
    const list = document.getElementById('codes-list');
    list.replaceChildren(...codes.map((code) => { const item = document.createElement('li'); const text = document.createElement('code'); text.textContent = code; item.append(text); return item; }));
    show('codes').scrollIntoView();
  };
  let totpCeremony;
  const flows = {
    'offer-totp': async () => {
      const res = await call('POST', '/factors/totp', {});
      if (!res) return;
      const offer = await res.json();
      totpCeremony = offer.ceremony;
      document.getElementById('totp-qr').src = offer.qrCode;
      document.getElementById('totp-key').textContent = offer.manualKey;
      show('totp-setup');
      document.getElementById('totp-code').focus();
    },
    'recovery-codes': async () => {
      const res = await call('POST', '/factors/recovery-codes', {});
      if (res) showCodes((await res.json()).recoveryCodes);
    },
    'codes-done': () => { location.href = location.pathname + '?done=factors'; },
  };
  document.getElementById('totp-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const res = await call('POST', '/factors/totp/confirm', { ceremony: totpCeremony, code: document.getElementById('totp-code').value.trim() });
    if (!res) return;
    const added = await res.json();
    document.getElementById('totp-setup').hidden = true;
    if (added.recoveryCodes) showCodes(added.recoveryCodes);
    else location.href = location.pathname + '?done=factors';
  });
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    if (button.dataset.action === 'ask-delete') { document.getElementById('confirm-delete').hidden = false; return; }
    if (flows[button.dataset.action]) { await flows[button.dataset.action](); return; }
    const act = actions[button.dataset.action];
    if (!act) return;
    button.disabled = true;
    const done = await act(button);
    button.disabled = false;
    if (done) location.href = button.dataset.action === 'delete-account' ? logout : location.pathname + '?done=' + button.dataset.action;
  });
  document.getElementById('profile-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const value = (name) => { const v = String(form.get(name) || '').trim(); return v || undefined; };
    const name = { givenName: value('givenName'), familyName: value('familyName') };
    // An emptied display name or language is removed (null); an emptied name part stays as it was.
    const body = { name: Object.fromEntries(Object.entries(name).filter(([, v]) => v)), displayName: value('displayName') ?? null, locale: value('locale') ?? null };
    if (await call('PATCH', '/profile', JSON.parse(JSON.stringify(body)))) location.href = location.pathname + '?done=profile';
  });
})();
</script>`;

/** How a session was signed in to (its amr values), in words. */
const methodName = (t: Translate, amr: string) => { const key = `account.amr.${amr}`; return isMessageKey(key) ? t(key) : amr; };

/** What the page says after a change the script made (`?done=…`): only the known ones. */
export const accountDoneMessage = (t: Translate, value: string | null) => { const key = `account.done.${value ?? ''}`; return value && isMessageKey(key) ? t(key) : undefined; };

export function accountPortalPage(view: AccountPortalView, done?: string): string {
  const p = view.profile;
  const t = translator(view.locale);
  const day = (iso: string) => formatMoment(view.locale, iso);
  const body = html`<h1>${t('account.title')}</h1>
<p class="status note" id="status" role="status" aria-live="polite"${done ? '' : ' hidden'}>${done ?? ''}</p>
<section aria-labelledby="profile-heading">
<h2 id="profile-heading">${t('account.profile')}</h2>
<p>${p.emails.map((e) => html`${e.value} <span class="muted">(${e.verified ? t('account.verified') : t('account.notVerified')})</span> `)}</p>
<form id="profile-form">
<label for="givenName">${t('account.givenName')}<input id="givenName" name="givenName" maxlength="100" value="${p.givenName ?? ''}" autocomplete="given-name"></label>
<label for="familyName">${t('account.familyName')}<input id="familyName" name="familyName" maxlength="100" value="${p.familyName ?? ''}" autocomplete="family-name"></label>
<label for="displayName">${t('account.displayName')}<input id="displayName" name="displayName" maxlength="200" value="${p.displayName ?? ''}" autocomplete="nickname"></label>
<label for="locale">${t('account.language')}<input id="locale" name="locale" maxlength="10" value="${p.locale ?? ''}" pattern="[a-z]{2,3}(-[A-Z]{2})?"></label>
<button type="submit">${t('account.saveProfile')}</button>
</form>
</section>
<section aria-labelledby="factors-heading">
<h2 id="factors-heading">${t('account.methods')}</h2>
${view.factors.length ? html`<ul class="items">${view.factors.map((f) => html`<li><span>${f.label}${f.detail ? html` <span class="muted">${f.detail}</span>` : ''}</span><button type="button" class="secondary small" data-action="remove-factor" data-id="${f.id}" aria-label="${t('account.removeLabel', { label: f.label })}">${t('account.remove')}</button></li>`)}</ul>` : html`<p class="muted">${t('account.onlyPassword')}</p>`}
<p>${view.hasTotp ? '' : html`<button type="button" class="secondary" data-action="offer-totp">${t('account.setUpTotp')}</button> `}${view.factors.length ? html`<button type="button" class="secondary" data-action="recovery-codes">${t('account.newRecoveryCodes')}</button>` : ''}</p>
<div id="totp-setup" hidden>
<p>${t('account.totpIntro')}</p>
<img id="totp-qr" alt="${t('common.qrAlt')}" width="200" height="200">
<p>${t('account.key')} <code id="totp-key"></code></p>
<form id="totp-form"><label for="totp-code">${t('common.codeFromApp')}<input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required></label><button type="submit">${t('account.turnOn')}</button></form>
</div>
<div id="codes" hidden>
<p class="note">${t('account.codesIntro')}</p>
<ul id="codes-list" class="items"></ul>
<button type="button" data-action="codes-done">${t('account.codesKept')}</button>
</div>
</section>
<section aria-labelledby="sessions-heading">
<h2 id="sessions-heading">${t('account.sessions')}</h2>
<ul class="items">${view.sessions.map((s) => html`<li><span>${t('account.session', { when: day(s.signedInAt), methods: s.methods.map((m) => methodName(t, m)).join(` ${t('account.and')} `) })}${s.current ? html` <strong>${t('account.thisBrowser')}</strong>` : ''}</span>${s.current ? '' : html`<button type="button" class="secondary small" data-action="end-session" data-id="${s.id}">${t('account.signOut')}</button>`}</li>`)}</ul>
</section>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">${t('account.apps')}</h2>
${view.consents.length ? html`<ul class="items">${view.consents.map((c) => html`<li><span>${c.application} <span class="muted">${c.scopes.join(', ')} · ${t('account.since', { when: day(c.grantedAt) })}</span></span><button type="button" class="secondary small" data-action="withdraw-consent" data-id="${c.application}">${t('account.withdraw')}</button></li>`)}</ul>` : html`<p class="muted">${t('account.noApps')}</p>`}
</section>
<section aria-labelledby="linked-heading">
<h2 id="linked-heading">${t('account.linked')}</h2>
${view.linked.length ? html`<ul class="items">${view.linked.map((l) => html`<li><span>${l.provider}${l.email ? html` <span class="muted">${l.email}</span>` : ''}</span><span class="muted">${t('account.since', { when: day(l.linkedAt) })}</span></li>`)}</ul>` : html`<p class="muted">${t('account.noLinked')}</p>`}
</section>
<section aria-labelledby="data-heading">
<h2 id="data-heading">${t('account.data')}</h2>
<p>${t.html('account.exportLine', { link: html`<a href="${view.apiBase}/export" download="account-export.json" id="export">${t('account.export')}</a>` })}</p>
<p><button type="button" class="danger" data-action="ask-delete">${t('account.delete')}</button></p>
<div id="confirm-delete" hidden><p class="notice">${t('account.deleteWarning')}</p><button type="button" class="danger" data-action="delete-account">${t('account.deleteConfirm')}</button></div>
</section>
<p><a href="${view.logoutUrl}">${t('account.signOut')}</a></p>
${script(view.nonce, view.apiBase, view.logoutUrl, t('account.failed'))}`;
  return brandedPage(view.settings, view.nonce, t('account.title'), body, { wide: true, lang: view.locale });
}
