import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameIdFor, releasedAttributes } from '../../../shared/domain/saml/assertion-content.ts';
import { authnContextClassOf } from '../../../shared/domain/saml/authn-context.ts';
import { acsFor } from '../../../shared/domain/saml/service-provider.ts';
import { nameIdFormats } from '../../../shared/domain/saml/saml-names.ts';
import type { User } from '../../../shared/domain/users/user.ts';

const user: User = {
  id: 'u1', tenant: 't1', userName: 'ada', emails: [{ value: 'ada@example.com', verified: true, primary: true }], name: { givenName: 'Ada' },
  status: 'active', attributes: { department: 'R&D' }, createdAt: '', updatedAt: '', version: 1,
};
const key = Buffer.alloc(32, 7);
const basic = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic' as const;

describe('assertion content', () => {
  test('persistent NameIDs are pairwise: stable per SP, different across SPs and tenants', () => {
    const a = nameIdFor(user, { entityId: 'sp-a', nameIdSource: 'userName' }, nameIdFormats.persistent, key)!;
    assert.equal(a.value, nameIdFor(user, { entityId: 'sp-a', nameIdSource: 'userName' }, nameIdFormats.persistent, key)!.value);
    assert.notEqual(a.value, nameIdFor(user, { entityId: 'sp-b', nameIdSource: 'userName' }, nameIdFormats.persistent, key)!.value);
    assert.notEqual(a.value, nameIdFor({ ...user, tenant: 't2' }, { entityId: 'sp-a', nameIdSource: 'userName' }, nameIdFormats.persistent, key)!.value);
    assert.doesNotMatch(a.value, /u1|ada/);
  });
  test('transient NameIDs differ each time; email and unspecified come from the user; a missing value is no NameID', () => {
    const sp = { entityId: 'sp', nameIdSource: 'attributes.department' as const };
    assert.notEqual(nameIdFor(user, sp, nameIdFormats.transient, key)!.value, nameIdFor(user, sp, nameIdFormats.transient, key)!.value);
    assert.equal(nameIdFor(user, sp, nameIdFormats.emailAddress, key)!.value, 'ada@example.com');
    assert.equal(nameIdFor(user, sp, nameIdFormats.unspecified, key)!.value, 'R&D');
    assert.equal(nameIdFor({ ...user, emails: [] }, sp, nameIdFormats.emailAddress, key), undefined);
  });
  test('attribute release follows the mapping and leaves out empty values', () => {
    const released = releasedAttributes({ attributes: [{ name: 'mail', source: 'email', nameFormat: basic }, { name: 'sn', source: 'familyName', nameFormat: basic }, { name: 'g', source: 'groups', nameFormat: basic }] }, user, ['admins', 'staff']);
    assert.deepEqual(released, [{ name: 'mail', nameFormat: basic, values: ['ada@example.com'] }, { name: 'g', nameFormat: basic, values: ['admins', 'staff'] }]);
  });
  test('AuthnContextClassRef follows the session’s methods', () => {
    assert.match(authnContextClassOf(['pwd']), /PasswordProtectedTransport/);
    assert.equal(authnContextClassOf(['pwd', 'otp']), 'https://refeds.org/profile/mfa');
    assert.match(authnContextClassOf([]), /unspecified/);
  });
  test('an ACS is only ever a registered one', () => {
    const sp = { assertionConsumerServices: [{ url: 'https://a/acs', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST' as const, index: 3, isDefault: false }, { url: 'https://a/acs2', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST' as const, index: 1, isDefault: false }] };
    assert.equal(acsFor(sp, {})!.index, 1, 'lowest index without a default');
    assert.equal(acsFor(sp, { index: 3 })!.url, 'https://a/acs');
    assert.equal(acsFor(sp, { url: 'https://a/acs2' })!.index, 1);
    assert.equal(acsFor(sp, { url: 'https://evil/acs' }), undefined);
    assert.equal(acsFor(sp, { url: 'https://a/acs', index: 3 }), undefined, 'URL and index together are not allowed');
    assert.equal(acsFor(sp, { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect' }), undefined);
  });
});
