import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authnContextClasses as c, chooseAuthnContext } from '../../../shared/domain/saml/authn-context.ts';
import { parseScreenedXml, readAuthnRequest, readInboundMessage, SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';

const pwd = ['pwd'];
const mfa = ['pwd', 'otp'];

describe('RequestedAuthnContext (SAML Core §3.3.2.2.1)', () => {
  test('no request: the strongest true class', () => {
    assert.equal(chooseAuthnContext(undefined, pwd), c.passwordProtectedTransport);
    assert.equal(chooseAuthnContext(undefined, mfa), c.refedsMfa);
    assert.equal(chooseAuthnContext(undefined, []), c.unspecified);
  });

  test('exact: the first requested class the sign-in truthfully meets', () => {
    assert.equal(chooseAuthnContext({ comparison: 'exact', classRefs: [c.passwordProtectedTransport] }, mfa), c.passwordProtectedTransport, 'an MFA sign-in also was a password sign-in');
    assert.equal(chooseAuthnContext({ comparison: 'exact', classRefs: [c.refedsMfa] }, pwd), undefined);
    assert.equal(chooseAuthnContext({ comparison: 'exact', classRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos', c.password] }, pwd), c.password);
    assert.equal(chooseAuthnContext({ comparison: 'exact', classRefs: ['urn:example:declaration'] }, mfa), undefined, 'declarations and unknown classes are never met');
  });

  test('minimum and better compare strengths; maximum asserts a true class no stronger than asked', () => {
    assert.equal(chooseAuthnContext({ comparison: 'minimum', classRefs: [c.passwordProtectedTransport] }, pwd), c.passwordProtectedTransport);
    assert.equal(chooseAuthnContext({ comparison: 'minimum', classRefs: [c.refedsMfa] }, pwd), undefined);
    assert.equal(chooseAuthnContext({ comparison: 'minimum', classRefs: [c.refedsMfa] }, mfa), c.refedsMfa);
    assert.equal(chooseAuthnContext({ comparison: 'better', classRefs: [c.passwordProtectedTransport] }, pwd), undefined);
    assert.equal(chooseAuthnContext({ comparison: 'better', classRefs: [c.passwordProtectedTransport] }, mfa), c.refedsMfa);
    assert.equal(chooseAuthnContext({ comparison: 'maximum', classRefs: [c.passwordProtectedTransport] }, mfa), c.passwordProtectedTransport);
    assert.equal(chooseAuthnContext({ comparison: 'maximum', classRefs: [c.unspecified] }, pwd), c.unspecified);
    assert.equal(chooseAuthnContext({ comparison: 'minimum', classRefs: ['urn:example:unknown'] }, mfa), undefined);
  });
});

describe('reading RequestedAuthnContext from an AuthnRequest', () => {
  const request = (inner: string) =>
    readAuthnRequest(readInboundMessage(parseScreenedXml(`<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>sp</saml:Issuer>${inner}</samlp:AuthnRequest>`), ['AuthnRequest']));

  test('comparison defaults to exact; class and declaration references are kept in order', () => {
    assert.equal(request('').requestedAuthnContext, undefined);
    assert.deepEqual(request(`<samlp:RequestedAuthnContext><saml:AuthnContextClassRef>${c.refedsMfa}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>`).requestedAuthnContext, { comparison: 'exact', classRefs: [c.refedsMfa] });
    assert.deepEqual(request(`<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>${c.password}</saml:AuthnContextClassRef><saml:AuthnContextClassRef>${c.refedsMfa}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>`).requestedAuthnContext, { comparison: 'minimum', classRefs: [c.password, c.refedsMfa] });
  });

  test('an unknown comparison, no reference, empty or too many references are refused', () => {
    for (const inner of [
      `<samlp:RequestedAuthnContext Comparison="weaker"><saml:AuthnContextClassRef>${c.password}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>`,
      '<samlp:RequestedAuthnContext></samlp:RequestedAuthnContext>',
      '<samlp:RequestedAuthnContext><saml:AuthnContextClassRef> </saml:AuthnContextClassRef></samlp:RequestedAuthnContext>',
      `<samlp:RequestedAuthnContext>${`<saml:AuthnContextClassRef>${c.password}</saml:AuthnContextClassRef>`.repeat(11)}</samlp:RequestedAuthnContext>`,
    ]) assert.throws(() => request(inner), SamlMessageRejected, inner);
  });
});
