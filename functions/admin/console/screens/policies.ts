import type { TenantSettings } from '../../../../shared/domain/tenants/settings.ts';
import type { ConsoleRoutes } from '../console-screen.ts';
import { policiesPage } from './policies-view.ts';
import { durationFields, durationOf, saveSettings, showSettings, ticked, wholeNumber, type SettingsScreen } from './settings-form.ts';

/** The checkboxes of the password policy, by field name. */
export const compositionRules = {
  require_lowercase: 'requireLowercase',
  require_uppercase: 'requireUppercase',
  require_digit: 'requireDigit',
  require_symbol: 'requireSymbol',
  reject_breached: 'rejectBreached',
} as const;

const fieldsOf = ({ passwordPolicy: p, lockout, sessions }: TenantSettings) => ({
  min_length: String(p.minLength),
  max_length: String(p.maxLength),
  ...Object.fromEntries(Object.entries(compositionRules).filter(([, key]) => p[key]).map(([name]) => [name, 'on'])),
  history_count: String(p.historyCount ?? 0),
  max_age_days: String(p.maxAgeDays ?? 0),
  max_failures: String(lockout.maxFailures),
  ...durationFields('lock_duration', lockout.lockSeconds),
  ...durationFields('idle', sessions.idleSeconds),
  ...durationFields('absolute', sessions.absoluteSeconds),
});

/** Password, lockout and session policies; the API checks the ranges and that a session's idle limit is within its absolute one. */
const policies: SettingsScreen = {
  section: 'policies',
  fieldsOf,
  desiredOf: (form, current) => {
    const historyCount = wholeNumber(form, 'history_count', 'Password history');
    const maxAgeDays = wholeNumber(form, 'max_age_days', 'Maximum password age');
    return {
      passwordPolicy: {
        ...current.passwordPolicy,
        minLength: wholeNumber(form, 'min_length', 'Minimum length'),
        maxLength: wholeNumber(form, 'max_length', 'Maximum length'),
        ...Object.fromEntries(Object.entries(compositionRules).map(([name, key]) => [key, ticked(form, name)])),
        // 0 means none: left out unless it was set before.
        ...(historyCount || current.passwordPolicy.historyCount !== undefined ? { historyCount } : {}),
        ...(maxAgeDays || current.passwordPolicy.maxAgeDays !== undefined ? { maxAgeDays } : {}),
      },
      lockout: { maxFailures: wholeNumber(form, 'max_failures', 'Failed attempts before locking'), lockSeconds: durationOf(form, 'lock_duration', 'Lock duration') },
      sessions: { idleSeconds: durationOf(form, 'idle', 'Idle timeout'), absoluteSeconds: durationOf(form, 'absolute', 'Absolute timeout') },
    };
  },
  page: policiesPage,
};

export const policyRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/policies': showSettings(policies),
  'POST /t/{tenant}/console/policies': saveSettings(policies),
};
