/**
 * The hosted pages' words in each language they are written in (issue: console and hosted
 * pages): English, and French as the proof that pages follow the person's language — the
 * application's `ui_locales` first, then the browser's Accept-Language, else English.
 */
export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

const en = {
  'signIn.title': 'Sign in to {org}',
  'signIn.heading': 'Sign in',
  'signIn.emailOrUsername': 'Email or username',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.continue': 'Continue',
  'signIn.or': 'or',
  'signIn.continueWith': 'Continue with {name}',
  'signIn.forgot': 'Forgot your password?',
  'signIn.newHere': 'New here?',
  'signIn.register': 'Create an account',
  'chooser.heading': 'Choose an account',
  'chooser.continueAs': 'Continue as {who}',
  'chooser.another': 'Use another account',
  'signedIn.title': 'Signed in to {org}',
  'signedIn.heading': 'You are signed in',
  'signedIn.as': 'Signed in as',
  'signedIn.signOut': 'Sign out',
  'signedOut.title': 'Signed out',
  'signedOut.heading': 'You are signed out',
  'signedOut.again': 'Sign in again',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'signIn.title': 'Connexion à {org}',
  'signIn.heading': 'Connexion',
  'signIn.emailOrUsername': 'E-mail ou nom d’utilisateur',
  'signIn.email': 'E-mail',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.continue': 'Continuer',
  'signIn.or': 'ou',
  'signIn.continueWith': 'Continuer avec {name}',
  'signIn.forgot': 'Mot de passe oublié ?',
  'signIn.newHere': 'Nouveau ici ?',
  'signIn.register': 'Créer un compte',
  'chooser.heading': 'Choisissez un compte',
  'chooser.continueAs': 'Continuer en tant que {who}',
  'chooser.another': 'Utiliser un autre compte',
  'signedIn.title': 'Connecté à {org}',
  'signedIn.heading': 'Vous êtes connecté',
  'signedIn.as': 'Connecté en tant que',
  'signedIn.signOut': 'Se déconnecter',
  'signedOut.title': 'Déconnecté',
  'signedOut.heading': 'Vous êtes déconnecté',
  'signedOut.again': 'Se reconnecter',
};

const catalogue: Record<Locale, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string>>) => string;

/** The words of one language; `{name}` placeholders take the params (escaped later, by the page template). */
export const translator = (locale: Locale): Translate => (key, params = {}) => catalogue[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);

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
