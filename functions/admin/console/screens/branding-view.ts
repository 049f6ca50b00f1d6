import { brandedContent } from '../../../../shared/http/views/branded-page.ts';
import { html } from '../../../../shared/http/views/html.ts';
import { signInContent } from '../../../../shared/http/views/sign-in-page.ts';
import { consolePage, noticeOf, type ConsoleFrame } from '../console-layout.ts';
import type { SettingsFormView } from './settings-form.ts';
import { settingsForm, textField } from './settings-form-view.ts';

/**
 * The preview follows the form as it changes, without a round trip: the name as text (never
 * markup), a colour only when it is #rrggbb (what the page accepts), and a logo only when it is an
 * https URL, shown by the same img-src policy as the hosted pages. Styles go through the CSSOM
 * (allowed under the CSP, unlike style attributes).
 */
const previewScript = `(() => {
  const form = document.getElementById('branding-form');
  const preview = document.getElementById('login-preview');
  const brand = preview.querySelector('.brand');
  const name = brand.querySelector('strong');
  const colour = form.elements.primary_color;
  // The colour picker needs this script, so the script adds it (without it, the text field is enough).
  const picker = Object.assign(document.createElement('input'), { type: 'color', id: 'field-primary_color-picker', value: colour.value.trim().toLowerCase() });
  const pickerLabel = document.createElement('label');
  pickerLabel.htmlFor = picker.id;
  pickerLabel.append('Pick the primary colour', picker);
  document.getElementById('field-primary_color-help').after(pickerLabel);
  const contrast = document.getElementById('colour-contrast');
  const hex = /^#[0-9a-fA-F]{6}$/;
  const https = (value) => { try { const url = new URL(value); return url.protocol === 'https:' ? url.href : null; } catch { return null; } };
  const luminance = (c) => { const v = parseInt(c, 16) / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const contrastWithWhite = (value) => { const l = 0.2126 * luminance(value.slice(1, 3)) + 0.7152 * luminance(value.slice(3, 5)) + 0.0722 * luminance(value.slice(5, 7)); return 1.05 / (l + 0.05); };
  const update = () => {
    name.textContent = form.elements.display_name.value.trim();
    if (hex.test(colour.value.trim())) {
      const value = colour.value.trim();
      preview.style.setProperty('--accent', value);
      picker.value = value.toLowerCase();
      const ratio = contrastWithWhite(value);
      contrast.textContent = 'White text on this colour: contrast ' + ratio.toFixed(1) + ':1' + (ratio < 4.5 ? ' — too low for buttons (4.5:1 is the minimum); choose a darker colour.' : '.');
    } else {
      contrast.textContent = 'Enter a colour as # and six hex digits.';
    }
    const src = https(form.elements.logo_url.value.trim());
    let logo = brand.querySelector('img');
    if (src && !logo) {
      logo = document.createElement('img');
      logo.alt = '';
      brand.prepend(logo);
    }
    if (src && logo.src !== src) logo.src = src;
    if (!src && logo) logo.remove();
  };
  picker.addEventListener('input', () => { colour.value = picker.value; update(); });
  form.addEventListener('input', update);
  update();
})();`;

/** The sign-in page's real content in the tenant's branding, inert: a picture of the page, not a second form to fill. */
function preview(frame: ConsoleFrame, view: SettingsFormView) {
  const loginUrl = frame.base.replace(/\/console$/, '/login');
  return html`<section aria-labelledby="preview-heading" class="preview"><h2 id="preview-heading">Preview of the sign-in page</h2>
<p class="muted">It follows the form as you type; nothing changes for your users until you save.</p>
<div class="login-preview" id="login-preview" inert><div class="preview-main">${brandedContent(view.settings, signInContent({ nonce: frame.nonce, csrf: '', action: loginUrl, settings: view.settings, password: true, identifierFirst: false, locale: 'en' }))}</div></div>
<p><a href="${loginUrl}" rel="noopener" target="_blank">Open the real sign-in page</a> <span class="muted">(shows what is saved)</span></p></section>`;
}

export function brandingPage(frame: ConsoleFrame, view: SettingsFormView): string {
  const f = view.fields;
  return consolePage(frame, 'Branding', html`${noticeOf(view.notice)}<div class="side-by-side">
${settingsForm(frame, '/branding', view.version, html`${textField(f, 'display_name', 'Display name', { required: true, maxlength: 100, help: 'Your organisation’s name, atop every sign-in, registration and account page and in the emails users get.' })}
${textField(f, 'logo_url', 'Logo URL', { type: 'url', maxlength: 2048, placeholder: 'https://example.com/logo.png', help: 'An https address of an image, shown at most 160 × 40 pixels beside the name. Leave it empty for no logo.' })}
${textField(f, 'primary_color', 'Primary colour', { required: true, maxlength: 7, placeholder: '#3b5bdb', help: 'Buttons and links: # and six hex digits.' })}
<p class="muted" id="colour-contrast" aria-live="polite"></p>`, 'Save the branding', 'branding-form')}
${preview(frame, view)}
</div>`, previewScript);
}
