import { en } from './messages/en.ts';
import { fr } from './messages/fr.ts';
import { html, type SafeHtml } from './views/html.ts';

/**
 * The hosted pages' words in each language they are written in (issue: console and hosted
 * pages): English, and French as the proof that pages follow the person's language — the
 * application's `ui_locales` first, then the browser's Accept-Language, else English.
 */
export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

export type MessageKey = keyof typeof en;

export const catalogue: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, fr };

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

export interface Translate {
  /** The words of a key; `{name}` placeholders take the params (escaped later, by the page template). */
  (key: MessageKey, params?: Readonly<Record<string, string>>): string;
  /** The same as HTML: the words escaped, the params placed as given (markup such as a link or `<strong>`, else escaped). */
  html(key: MessageKey, params: Readonly<Record<string, SafeHtml | string>>): SafeHtml;
  readonly locale: Locale;
}

const placeholder = /\{(\w+)\}/g;

export const translator = (locale: Locale): Translate => {
  const words = catalogue[locale];
  const t = (key: MessageKey, params: Readonly<Record<string, string>> = {}) => words[key].replace(placeholder, (whole, name: string) => params[name] ?? whole);
  const rich = (key: MessageKey, params: Readonly<Record<string, SafeHtml | string>>): SafeHtml => {
    const parts = words[key].split(placeholder);
    // split with a capture group alternates text and placeholder names: text, name, text, …
    return html`${parts.map((part, i) => (i % 2 === 0 ? part : (params[part] ?? `{${part}}`)))}`;
  };
  return Object.assign(t, { html: rich, locale });
};

/** Words a page says later, in its language: a key, or a key with its values. */
export type Wording = MessageKey | { readonly key: MessageKey; readonly params: Readonly<Record<string, string>> };

export const say = (t: Translate, wording: Wording): string => (typeof wording === 'string' ? t(wording) : t(wording.key, wording.params));

const supported = (tag: string): Locale | undefined => locales.find((l) => l === tag.trim().toLowerCase().split('-')[0]);

/**
 * The language for a page: the first supported one of the application's `ui_locales` (space
 * separated, in order of preference), else of the browser's Accept-Language (by q-value), else English.
 */
export function negotiateLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  for (const tag of (uiLocales ?? '').split(' ').slice(0, 10)) {
    const found = tag && supported(tag);
    if (found) return found;
  }
  const ranked = (acceptLanguage ?? '').slice(0, 500).split(',').slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { tag: tag ?? '', q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const found = supported(tag);
    if (found) return found;
  }
  return 'en';
}

/** The English text of the `known.*` keys as patterns: `{name}` matches any value. */
const knownPatterns = (Object.keys(en) as MessageKey[])
  .filter((key) => key.startsWith('known.'))
  .map((key) => {
    const names: string[] = [];
    const source = en[key].split(placeholder).map((part, i) => (i % 2 === 0 ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : (names.push(part), '(.+?)'))).join('');
    return { key, names, pattern: new RegExp(`^${source}$`) };
  });

/**
 * A message another module wrote in English (an HttpError's, a password or form rule's) in the
 * page's language, when the catalogue knows it; anything else (an administrator's own words) as it is.
 * Matching the English keeps those modules free of any language (shared/domain knows no i18n).
 */
export function translateKnown(t: Translate, message: string): string {
  if (t.locale === 'en') return message;
  for (const { key, names, pattern } of knownPatterns) {
    const match = pattern.exec(message);
    if (match) return t(key, Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])));
  }
  return message;
}

/** A count with the words for it: `{count} left` as one or other (CLDR plural rules), the number written the locale's way. */
export const countOf = (t: Translate, keys: { one: MessageKey; other: MessageKey }, count: number): string =>
  t(new Intl.PluralRules(t.locale).select(count) === 'one' ? keys.one : keys.other, { count: new Intl.NumberFormat(t.locale).format(count) });

/** A moment as the pages show it: English keeps its compact ISO form; other languages their own (always in UTC). */
export function formatMoment(locale: Locale, iso: string): string {
  if (locale === 'en') return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}
