import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, noticeOf, type ConsoleFrame } from '../console-layout.ts';
import type { SettingsFormView } from './settings-form.ts';
import { checkbox, durationField, numberField, settingsForm } from './settings-form-view.ts';

export function policiesPage(frame: ConsoleFrame, view: SettingsFormView): string {
  const f = view.fields;
  return consolePage(frame, 'Policies', html`${noticeOf(view.notice)}${settingsForm(frame, '/policies', view.version, html`<fieldset><legend>Passwords</legend>
<p class="muted">NIST SP 800-63B advises length and a breached-password check over composition rules and forced changes.</p>
${numberField(f, 'min_length', 'Minimum length', { min: 8, max: 128 }, 'Characters, from 8 to 128. Long passphrases beat complex short passwords.')}
${numberField(f, 'max_length', 'Maximum length', { min: 64, max: 1024 }, 'Characters, from 64 to 1024: room for passphrases and password managers.')}
${checkbox(f, 'require_lowercase', 'Require a lowercase letter')}
${checkbox(f, 'require_uppercase', 'Require an uppercase letter')}
${checkbox(f, 'require_digit', 'Require a digit')}
${checkbox(f, 'require_symbol', 'Require a symbol')}
${checkbox(f, 'reject_breached', 'Refuse passwords known from data breaches', 'Checked against the most common passwords of known breaches whenever a password is chosen.')}
${numberField(f, 'history_count', 'Password history', { min: 0, max: 24 }, 'A new password may not be any of the last this many (0 to 24; 0: no history).')}
${numberField(f, 'max_age_days', 'Maximum password age (days)', { min: 0, max: 3650 }, 'Days after which the password must be changed at the next sign-in (0: never, as NIST advises).')}
</fieldset>
<fieldset><legend>Account lockout</legend>
${numberField(f, 'max_failures', 'Failed attempts before locking', { min: 1, max: 100 }, 'Wrong passwords in a row that lock the account, from 1 to 100.')}
${durationField(f, 'lock_duration', 'Lock duration', 'How long a locked account stays locked (at most 30 days); an administrator can unlock it sooner.')}
</fieldset>
<fieldset><legend>Sessions</legend>
${durationField(f, 'idle', 'Idle timeout', 'A single sign-on session ends after this long without use (1 minute to 30 days).')}
${durationField(f, 'absolute', 'Absolute timeout', 'A session ends this long after sign-in, however active (5 minutes to 90 days; not shorter than the idle timeout).')}
</fieldset>`, 'Save the policies')}`);
}
