import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFlowDocument } from '../../../shared/domain/flows/flow-document.ts';
import { homeRealmOf } from '../../../shared/domain/flows/home-realm.ts';

const flow = (hints = true) => parseFlowDocument({
  steps: [{ options: ['password', 'federated:corp', 'federated:partner'] }],
  homeRealm: { rules: [{ emailDomains: ['corp.example'], idp: 'corp' }, { emailDomains: ['*.partner.example'], idp: 'partner' }], hints },
});

describe('home realm discovery', () => {
  test('the typed email\'s domain, exact or a subdomain wildcard, case-insensitive', () => {
    assert.equal(homeRealmOf(flow(), { identifier: 'Ann@CORP.example' }), 'corp');
    assert.equal(homeRealmOf(flow(), { identifier: 'bo@eu.partner.example' }), 'partner');
    assert.equal(homeRealmOf(flow(), { identifier: 'bo@partner.example' }), undefined, '*.x does not match x itself');
    assert.equal(homeRealmOf(flow(), { identifier: 'eve@notcorp.example' }), undefined);
    assert.equal(homeRealmOf(flow(), { identifier: 'corp.example' }), undefined, 'a username is not an email');
    assert.equal(homeRealmOf(flow(), { identifier: 'x@evil.example@corp.example' }), 'corp', 'the last @ is the domain, as mail delivery sees it');
  });

  test('hints: idp_hint for a first-step provider, then domain_hint, then the login_hint\'s domain; none when hints are off', () => {
    assert.equal(homeRealmOf(flow(), { idpHint: 'partner', domainHint: 'corp.example' }), 'partner');
    assert.equal(homeRealmOf(flow(), { idpHint: 'not-in-the-flow', domainHint: 'corp.example' }), 'corp');
    assert.equal(homeRealmOf(flow(), { loginHint: 'z@x.partner.example' }), 'partner');
    assert.equal(homeRealmOf(flow(false), { idpHint: 'partner', domainHint: 'corp.example' }), undefined);
    assert.equal(homeRealmOf(flow(false), { loginHint: 'z@corp.example' }), 'corp', 'login_hint is what the user would have typed');
  });

  test('a rule must name a first-step provider; domains are validated', () => {
    assert.throws(() => parseFlowDocument({ steps: [{ options: ['password'] }], homeRealm: { rules: [{ emailDomains: ['corp.example'], idp: 'corp' }] } }), /homeRealm\.rules\.0\.idp/);
    assert.throws(() => parseFlowDocument({ steps: [{ options: ['federated:corp'] }], homeRealm: { rules: [{ emailDomains: ['CORP.example'], idp: 'corp' }] } }), /lowercase domain/);
    assert.throws(() => parseFlowDocument({ steps: [{ options: ['federated:corp'] }], homeRealm: { rules: [{ emailDomains: ['*'], idp: 'corp' }] } }), /lowercase domain/);
  });
});
