import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, noticeOf, type ConsoleFrame } from '../console-layout.ts';
import type { SettingsFormView } from './settings-form.ts';
import { checkbox, numberField, settingsForm, textArea, textField } from './settings-form-view.ts';

export function settingsPage(frame: ConsoleFrame, view: SettingsFormView): string {
  const f = view.fields;
  return consolePage(frame, 'Settings', html`${noticeOf(view.notice)}${settingsForm(frame, '/settings', view.version, html`<fieldset><legend>Registration</legend>
${checkbox(f, 'self_registration', 'People may create their own account', 'Adds “Create an account” to the sign-in page. Off: only administrators (and imports) add users.')}
</fieldset>
<fieldset><legend>Security questions</legend>
<p class="muted">An extra check on emailed password-reset links. Weaker than any second factor (answers are often public or guessable), so off by default and never a way to sign in.</p>
${checkbox(f, 'questions_enabled', 'Ask security questions before a password reset')}
${numberField(f, 'answers_required', 'Answers required', { min: 1, max: 5 }, 'How many questions a user answers, from 1 to 5.')}
${textArea(f, 'questions', 'Questions (one per line)', 'From 3 to 20 different questions of 10 to 200 characters. Leave it empty for the built-in six.', 5)}
</fieldset>
<fieldset><legend>Allowed web origins</legend>
${textArea(f, 'allowed_origins', 'Origins (one per line)', 'Web origins whose browser code may call the token, UserInfo and revocation endpoints (single-page applications): https://app.example.com, or http on localhost. No paths; at most 50.')}
</fieldset>
<fieldset><legend>Privacy</legend>
<p class="muted">Who controls the personal data, as consent receipts name them. Empty fields are left out; with no controller, your display name is used.</p>
${textField(f, 'privacy_controller', 'Data controller', { maxlength: 200 })}
${textField(f, 'privacy_email', 'Privacy contact email', { type: 'email', maxlength: 254 })}
${textArea(f, 'privacy_address', 'Postal address', undefined, 3)}
${textField(f, 'privacy_phone', 'Phone', { type: 'tel', maxlength: 40 })}
${textField(f, 'privacy_jurisdiction', 'Jurisdiction', { maxlength: 40, placeholder: 'EU', help: 'Where the controller is established, such as EU or US-CA.' })}
${textField(f, 'privacy_policy_url', 'Privacy policy URL', { type: 'url', maxlength: 2048, placeholder: 'https://example.com/privacy' })}
</fieldset>`, 'Save the settings')}`);
}
