import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { negotiateLocale, translator } from '../../../shared/http/i18n.ts';

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
