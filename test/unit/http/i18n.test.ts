import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { catalogue, countOf, formatMoment, locales, negotiateLocale, translateKnown, translator } from '../../../shared/http/i18n.ts';
import { html } from '../../../shared/http/views/html.ts';

describe('the hosted pages\' language', () => {
  test('ui_locales first (in order), then Accept-Language by q-value, else English', () => {
    assert.equal(negotiateLocale('de fr-CA en', 'en'), 'fr');
    assert.equal(negotiateLocale(undefined, 'de-DE, fr;q=0.8, en;q=0.5'), 'fr');
    assert.equal(negotiateLocale(undefined, 'en;q=0.4, fr-BE;q=0.9'), 'fr');
    assert.equal(negotiateLocale(undefined, 'fr;q=0, en'), 'en', 'q=0 means not wanted');
    assert.equal(negotiateLocale('de', 'es'), 'en');
    assert.equal(negotiateLocale(undefined, undefined), 'en');
    assert.equal(negotiateLocale(undefined, `${'x,'.repeat(5000)}fr`), 'en', 'a huge header is cut, not searched');
  });

  test('placeholders are filled; every key has both languages', () => {
    assert.equal(translator('fr')('signIn.continueWith', { name: 'Google' }), 'Continuer avec Google');
    assert.equal(translator('en')('signIn.title', { org: 'Acme' }), 'Sign in to Acme');
  });
});

describe('the catalogues', () => {
  test('French has every English key and no other, and no language has an empty value', () => {
    assert.deepEqual(Object.keys(catalogue.fr).sort(), Object.keys(catalogue.en).sort());
    for (const locale of locales) {
      const empty = Object.entries(catalogue[locale]).filter(([, value]) => value.trim() === '').map(([key]) => key);
      assert.deepEqual(empty, [], `${locale}: no empty value`);
    }
  });

  test('each translation keeps the placeholders of its English', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differ = (Object.keys(catalogue.en) as Array<keyof typeof catalogue.en>).filter((key) => names(catalogue.fr[key]).join() !== names(catalogue.en[key]).join());
    assert.deepEqual(differ, []);
  });

  test('French is written with typographic apostrophes and a no-break space before : ; ? !', () => {
    const straight = Object.entries(catalogue.fr).filter(([, value]) => value.includes('\'')).map(([key]) => key);
    assert.deepEqual(straight, []);
    const loose = Object.entries(catalogue.fr).filter(([, value]) => / [:;?!]/.test(value)).map(([key]) => key);
    assert.deepEqual(loose, []);
  });

  test('rich text escapes the words and places the markup it is given; plain params are escaped', () => {
    const t = translator('fr');
    assert.equal(t.html('signup.sent', { email: html`<strong>${'a&b@example.com'}</strong>` }).__html, 'Nous avons envoyé un lien de confirmation à <strong>a&amp;b@example.com</strong>. Ouvrez-le dans les 24 heures pour créer votre locataire.');
    assert.equal(translator('en').html('enrolTotp.cantScan', { key: '<b>' }).__html, 'Can&#39;t scan it? Enter this key in the app: &lt;b&gt;');
  });

  test('English messages from other modules are said in the page\'s language when known, else left as they are', () => {
    const fr = translator('fr');
    assert.equal(translateKnown(fr, 'Use at least 12 characters.'), 'Utilisez au moins 12 caractères.');
    assert.equal(translateKnown(fr, 'The field csrf was sent more than once.'), 'Le champ csrf a été envoyé plusieurs fois.');
    assert.equal(translateKnown(fr, 'Ask Alice at the help desk.'), 'Ask Alice at the help desk.', 'an administrator\'s words stay as written');
    assert.equal(translateKnown(translator('en'), 'Use at least 12 characters.'), 'Use at least 12 characters.');
  });

  test('counts and moments follow the language; English keeps its compact form', () => {
    const keys = { one: 'account.codesLeft.one', other: 'account.codesLeft.other' } as const;
    assert.equal(countOf(translator('en'), keys, 1), '1 left');
    assert.equal(countOf(translator('fr'), keys, 1), '1 restant');
    assert.equal(countOf(translator('fr'), keys, 9), '9 restants');
    assert.equal(formatMoment('en', '2025-03-04T05:06:07.000Z'), '2025-03-04 05:06 UTC');
    assert.equal(formatMoment('fr', '2025-03-04T05:06:07.000Z'), '4 mars 2025 à 05:06 UTC');
  });
});
