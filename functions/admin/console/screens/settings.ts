import type { TenantSettings } from '../../../../shared/domain/tenants/settings.ts';
import type { ConsoleRoutes } from '../console-screen.ts';
import { linesOf, saveSettings, showSettings, textOf, ticked, wholeNumber, type DesiredSettings, type SettingsScreen } from './settings-form.ts';
import { settingsPage } from './settings-view.ts';

/** The privacy fields, by form field name. */
export const privacyFields = {
  privacy_controller: 'controller',
  privacy_email: 'email',
  privacy_address: 'address',
  privacy_phone: 'phone',
  privacy_jurisdiction: 'jurisdiction',
  privacy_policy_url: 'policyUrl',
} as const;

const defaultAnswersRequired = 2;

const fieldsOf = (s: TenantSettings) => ({
  ...(s.selfRegistration ? { self_registration: 'on' } : {}),
  ...(s.securityQuestions?.enabled ? { questions_enabled: 'on' } : {}),
  answers_required: String(s.securityQuestions?.answersRequired ?? defaultAnswersRequired),
  questions: (s.securityQuestions?.questions ?? []).join('\n'),
  allowed_origins: (s.allowedOrigins ?? []).join('\n'),
  ...Object.fromEntries(Object.entries(privacyFields).map(([name, key]) => [name, s.privacy?.[key] ?? ''])),
});

/** What the other screens do not hold: registration, security questions, allowed web origins, who controls personal data. */
function desiredOf(form: URLSearchParams, current: TenantSettings): DesiredSettings {
  const questions = linesOf(form, 'questions');
  const securityQuestions = { enabled: ticked(form, 'questions_enabled'), answersRequired: wholeNumber(form, 'answers_required', 'Answers required'), ...(questions.length ? { questions } : {}) };
  const untouchedQuestions = !current.securityQuestions && !securityQuestions.enabled && !questions.length && securityQuestions.answersRequired === defaultAnswersRequired;
  const origins = linesOf(form, 'allowed_origins');
  const privacy = Object.fromEntries(Object.entries(privacyFields).map(([name, key]) => [key, textOf(form, name)]).filter(([, value]) => value));
  return {
    selfRegistration: ticked(form, 'self_registration'),
    ...(untouchedQuestions ? {} : { securityQuestions }),
    ...(origins.length || current.allowedOrigins ? { allowedOrigins: origins } : {}),
    ...(Object.keys(privacy).length || current.privacy ? { privacy } : {}),
  };
}

const settings: SettingsScreen = { section: 'settings', fieldsOf, desiredOf, page: settingsPage };

export const settingsRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/settings': showSettings(settings),
  'POST /t/{tenant}/console/settings': saveSettings(settings),
};
