import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { checkEnvelopedSignature, decodePostMessage, decodeRedirectMessage, parseScreenedXml, readInboundMessage, readLogoutRequest, SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';

const signature = (ref: string, method = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') =>
  `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:SignatureMethod Algorithm="${method}"/><ds:Reference URI="#${ref}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>x</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>x</ds:SignatureValue></ds:Signature>`;
const request = (id: string, inner = '', acs = 'https://sp.example/acs') =>
  `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="2026-12-01T00:00:00Z" AssertionConsumerServiceURL="${acs}"><saml:Issuer>https://sp.example</saml:Issuer>${inner}</samlp:AuthnRequest>`;
const refused = (fn: () => unknown, reason: RegExp) => assert.throws(fn, (e: unknown) => e instanceof SamlMessageRejected && reason.test(e.reason));
const check = (xml: string) => checkEnvelopedSignature(parseScreenedXml(xml));

describe('the enveloped-signature shape (the XSW defence samlify lacks)', () => {
  test('accepts one signature, child of the root, referencing the root', () => {
    check(request('_a', signature('_a')));
  });
  test('refuses the wrapping shapes', () => {
    const original = request('_a', signature('_a'));
    refused(() => check(request('_evil', signature('_a').replace('</ds:Signature>', `<ds:Object>${request('_a')}</ds:Object></ds:Signature>`), 'https://evil.example')), /ds:Object|reference/);
    refused(() => check(request('_evil', original, 'https://evil.example')), /child of the message|reference/);
    refused(() => check(request('_evil', signature('_a') + request('_a'))), /reference|unique/);
    refused(() => check(request('_a', signature('_a') + `<samlp:Extensions><x ID="_a"/></samlp:Extensions>`)), /unique/);
    refused(() => check(request('_a', signature('_a') + signature('_a'))), /exactly one/);
    refused(() => check(request('_a', `<samlp:Extensions>${signature('_a')}</samlp:Extensions>`)), /child of the message/);
    refused(() => check(request('_a', signature('_a', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'))), /algorithm/);
    refused(() => check(request('_a')), /exactly one/);
  });
});

describe('XML screening and decoding', () => {
  test('DTDs, entities, PIs, comments, CDATA and XInclude are refused; a leading XML declaration is fine', () => {
    parseScreenedXml(`<?xml version="1.0" encoding="UTF-8"?>${request('_a')}`);
    for (const [xml, reason] of [
      [`<!DOCTYPE r [<!ENTITY e "x">]>${request('_a')}`, /DOCTYPE/],
      [`<!doctype r SYSTEM "http://127.0.0.1/x">${request('_a')}`, /DOCTYPE/],
      [request('_a', '<?pi x?>'), /processing/],
      [request('_a', '<!-- c -->'), /comments/],
      [request('_a', '<x><![CDATA[y]]></x>'), /CDATA/],
      [request('_a', '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="x"/>'), /XInclude/],
      ['<a><b></a>', /malformed/],
    ] as const) refused(() => parseScreenedXml(xml), reason);
  });
  test('bounded decoding: base64 only, inflation stops at the size limit, deflated POST accepted', () => {
    refused(() => decodePostMessage('not base64!'), /base64/);
    refused(() => decodeRedirectMessage(deflateRawSync(Buffer.from('A'.repeat(200_000))).toString('base64')), /size limit/);
    assert.equal(decodePostMessage(deflateRawSync(Buffer.from('<a/>')).toString('base64')), '<a/>');
    assert.equal(decodePostMessage(Buffer.from('<a/>').toString('base64')), '<a/>');
  });
  test('fields are read from the root only; a NameID elsewhere does not count', () => {
    const message = readInboundMessage(parseScreenedXml(request('_a')), ['AuthnRequest']);
    assert.equal(message.issuer, 'https://sp.example');
    refused(() => readInboundMessage(parseScreenedXml(request('_a')), ['LogoutRequest']), /expected/);
    const logout = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l" Version="2.0" IssueInstant="2026-12-01T00:00:00Z"><saml:Issuer>i</saml:Issuer><samlp:Extensions><saml:NameID>wrapped</saml:NameID></samlp:Extensions></samlp:LogoutRequest>`;
    refused(() => readLogoutRequest(readInboundMessage(parseScreenedXml(logout), ['LogoutRequest'])), /NameID is missing/);
  });
});
