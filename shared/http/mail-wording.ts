import { negotiateLocale, translator, type Locale } from './i18n.ts';

/** A mail's subject and text. */
export interface MailWording {
  readonly subject: string;
  readonly text: string;
}

/**
 * The language of a mail to a user: the one they chose in their profile when we write it,
 * else the page's (the sign-in's ui_locales, then the browser's).
 */
export const mailLocale = (userLocale: string | undefined, uiLocales: string | undefined, acceptLanguage: string | undefined): Locale =>
  negotiateLocale([userLocale, uiLocales].filter(Boolean).join(' '), acceptLanguage);

/** A mailed link that opens its page in the mail's language (English needs no mark: it is the default). */
export function localizedLink(link: string, locale: Locale): string {
  if (locale === 'en') return link;
  const url = new URL(link);
  url.searchParams.set('ui_locales', locale);
  return url.toString();
}

/** The mail with a link to choose a password: a reset the user asked for, or an administrator's invitation. */
export const passwordLinkWording = (locale: Locale, org: string, purpose: 'password-reset' | 'invitation') => (link: string): MailWording => {
  const t = translator(locale);
  const params = { org, link: localizedLink(link, locale) };
  return purpose === 'invitation'
    ? { subject: t('mail.invitation.subject', params), text: t('mail.invitation.text', params) }
    : { subject: t('mail.reset.subject', params), text: t('mail.reset.text', params) };
};
