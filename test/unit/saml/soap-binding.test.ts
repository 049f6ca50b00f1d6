import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SamlMessageRejected } from '../../../shared/domain/saml/inbound-message.ts';
import { readSoapLogoutResponse, soapEnvelope } from '../../../shared/domain/saml/soap-binding.ts';
import { serviceProviderFromMetadata } from '../../../shared/domain/saml/sp-metadata.ts';

const response = (inner = '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>') =>
  `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-12-01T00:00:00Z" InResponseTo="_q1"><saml:Issuer>https://sp.example</saml:Issuer>${inner}</samlp:LogoutResponse>`;

test('a LogoutResponse is read from a SOAP envelope', () => {
  assert.deepEqual(readSoapLogoutResponse(soapEnvelope(response())), { issuer: 'https://sp.example', inResponseTo: '_q1', status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
});

test('anything else over SOAP is refused: not an envelope, no response, a DTD, a LogoutRequest in its place', () => {
  for (const text of [
    response(),
    soapEnvelope(''),
    `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${soapEnvelope(response())}`,
    soapEnvelope(response().replace(/LogoutResponse/g, 'LogoutRequest')),
    'not xml',
  ]) assert.throws(() => readSoapLogoutResponse(text), SamlMessageRejected, text.slice(0, 60));
});

test('metadata import keeps an SP’s SOAP SingleLogoutService as its back-channel logout URL', () => {
  const metadata = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sp.example"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://sp.example/Shibboleth.sso/SLO/SOAP"/>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.example/Shibboleth.sso/SLO/Redirect"/>
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example/acs" index="1"/>
</md:SPSSODescriptor></md:EntityDescriptor>`;
  const sp = serviceProviderFromMetadata(metadata) as { backChannelLogoutUrl?: string; singleLogoutService?: { url: string } };
  assert.equal(sp.backChannelLogoutUrl, 'https://sp.example/Shibboleth.sso/SLO/SOAP');
  assert.equal(sp.singleLogoutService?.url, 'https://sp.example/Shibboleth.sso/SLO/Redirect');
});
