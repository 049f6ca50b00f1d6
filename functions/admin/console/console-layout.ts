import type { TenantSettings } from '../../../shared/domain/tenants/settings.ts';
import { html, type SafeHtml } from '../../../shared/http/views/html.ts';
import { page } from '../../../shared/http/views/page.ts';

/**
 * The console's page frame: server-rendered, under the same strict CSP as the hosted pages
 * (a nonce, no inline handlers) and never framed. A screen that needs a script brings its own
 * file-less script under the page's nonce.
 */

/** The console's sections, in the order the navigation lists them. */
export const consoleSections = {
  overview: { label: 'Overview', path: '' },
  users: { label: 'Users', path: '/users' },
  groups: { label: 'Groups', path: '/groups' },
  applications: { label: 'Applications', path: '/applications' },
  flows: { label: 'Flows', path: '/flows' },
  branding: { label: 'Branding', path: '/branding' },
  policies: { label: 'Policies', path: '/policies' },
  consent: { label: 'Consent', path: '/consent' },
  keys: { label: 'Signing keys', path: '/keys' },
  siem: { label: 'SIEM', path: '/siem' },
  audit: { label: 'Audit log', path: '/audit' },
  settings: { label: 'Settings', path: '/settings' },
} as const;
export type ConsoleSection = keyof typeof consoleSections;

export interface ConsoleFrame {
  readonly nonce: string;
  readonly settings: TenantSettings;
  readonly base: string;
  readonly csrf: string;
  readonly who: string;
  readonly current: ConsoleSection;
}

/** What the last form did, or why it did not. */
export interface Notice {
  readonly ok: boolean;
  readonly text: string;
}

const nav = (frame: ConsoleFrame) => html`<nav aria-label="Console" class="side-nav">
<strong class="org">${frame.settings.branding.displayName}</strong>
${(Object.entries(consoleSections) as [ConsoleSection, { label: string; path: string }][]).map(([section, { label, path }]) => html`<a href="${frame.base}${path}"${frame.current === section ? html` aria-current="page"` : ''}>${label}</a>
`)}<form method="post" action="${frame.base}/logout" class="inline"><input type="hidden" name="csrf" value="${frame.csrf}"><span class="muted">${frame.who}</span> <button type="submit" class="secondary small">Sign out</button></form>
</nav>`;

/** A console page: the navigation, the title, the screen's body (and its script, if any, under the nonce). */
export const consolePage = (frame: ConsoleFrame, title: string, body: SafeHtml, script?: string) =>
  page({ title: `${title} · Console`, nonce: frame.nonce, accent: frame.settings.branding.primaryColor, aside: nav(frame), body: html`<h1>${title}</h1>
${body}${script ? html`<script nonce="${frame.nonce}">${{ __html: script.replace(/<\/(script)/gi, '<\\/$1') }}</script>` : ''}` });

export const noticeOf = (notice: Notice | undefined) => (notice ? html`<p class="${notice.ok ? 'note' : 'notice'}" role="${notice.ok ? 'status' : 'alert'}" id="console-notice">${notice.text}</p>` : '');

/** The hidden CSRF field every console form carries. */
export const csrfField = (frame: ConsoleFrame) => html`<input type="hidden" name="csrf" value="${frame.csrf}">`;

/**
 * Progressive enhancement for secrets and code samples: a "Copy" button beside each element marked
 * `data-copy` (made by the script, so a page without JavaScript shows no dead button).
 */
export const copyButtonsScript = `document.querySelectorAll('[data-copy]').forEach((el) => {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy ' + el.dataset.copy);
  const said = document.createElement('span');
  said.setAttribute('role', 'status');
  said.className = 'muted';
  button.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(el.textContent); said.textContent = ' Copied.'; } catch { said.textContent = ' Select it and copy it.'; }
  });
  const place = el.parentElement.tagName === 'PRE' ? el.parentElement : el;
  place.insertAdjacentElement('afterend', said);
  place.insertAdjacentElement('afterend', button);
});`;
