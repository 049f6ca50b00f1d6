import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi } from '../../support/admin-api.ts';
import { spCredentials } from '../../support/saml.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient } from '../../support/web-client.ts';

const metadataOf = (entityId: string, certificate: string) => `<?xml version="1.0"?>
<!-- metadata files carry comments; they are tolerated here -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://sp.example/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" Location="https://sp.example/artifact" index="0"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example/acs" index="1" isDefault="true"/>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example/acs2" index="2"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>`;

describe('SAML service providers in the admin API', () => {
  test('POSTing SP metadata as application/samlmetadata+xml to /applications registers the SP with what the metadata says', async () => {
    const api = await adminApi();
    const { certificate } = await spCredentials('metadata-sp');
    const res = await api.raw('POST', '/applications', metadataOf('https://sp.example/metadata', certificate), 'application/samlmetadata+xml');
    assert.equal(res.status, 201, res.body);
    const sp = res.json<Record<string, unknown>>();
    assert.equal(sp.entityId, 'https://sp.example/metadata');
    assert.deepEqual(sp.assertionConsumerServices, [
      { url: 'https://sp.example/acs', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', index: 1, isDefault: true },
      { url: 'https://sp.example/acs2', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', index: 2, isDefault: false },
    ], 'only POST endpoints, with their indexes');
    assert.deepEqual(sp.singleLogoutService, { url: 'https://sp.example/slo', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect' });
    assert.deepEqual(sp.signingCertificates, [certificate]);
    assert.equal(sp.encryptAssertion, true);
    assert.equal(sp.requireSignedAuthnRequests, true);
    assert.equal(sp.requireSignedLogoutMessages, true, 'signed logout messages by default');
    assert.equal(sp.nameIdFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    assert.equal(sp.metadataUrl, `${sharedRuntime.url}/t/${api.tenant.slug}/saml2/metadata`);
    assert.equal(res.headers.location, `/t/${api.tenant.slug}/api/v1/saml-service-providers/${String(sp.id)}`);

    const again = await api.raw('POST', '/saml-service-providers', metadataOf('https://sp.example/metadata', certificate), 'application/samlmetadata+xml');
    assert.equal(again.status, 409, 'an entityID is registered once per tenant');

    const other = await adminApi();
    assert.equal((await other.raw('POST', '/applications', metadataOf('https://sp.example/metadata', certificate), 'application/samlmetadata+xml')).status, 201, 'another tenant may register the same entityID');
    assert.equal((await other.call('GET', `/saml-service-providers/${String(sp.id)}`)).status, 404, 'and cannot see this tenant’s SP');
    assert.equal((await other.call('DELETE', `/saml-service-providers/${String(sp.id)}`)).status, 404);
  });

  test('hostile or broken metadata is refused with a clear problem, and nothing is stored', async () => {
    const api = await adminApi();
    const { certificate } = await spCredentials('bad-metadata');
    const good = metadataOf('https://bad.example', certificate);
    const cases: Array<[string, string]> = [
      ['XXE', good.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>').replace('entityID="https://bad.example"', 'entityID="&e;"')],
      ['processing instruction', good.replace('<md:SPSSODescriptor', '<?evil x?><md:SPSSODescriptor')],
      ['not metadata', '<html><body>hi</body></html>'],
      ['malformed', good.slice(0, 200)],
      ['no SP descriptor', good.replace(/<md:SPSSODescriptor[\s\S]*<\/md:SPSSODescriptor>/, '')],
    ];
    for (const [name, xml] of cases) {
      const res = await api.raw('POST', '/applications', xml, 'application/samlmetadata+xml');
      assert.equal(res.status, 400, `${name}: ${res.body}`);
      assert.match(res.headers['content-type'] as string, /problem\+json/);
    }
    const noCertificate = good.replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/g, '');
    const res = await api.raw('POST', '/applications', noCertificate, 'application/samlmetadata+xml');
    assert.equal(res.status, 400);
    assert.match(res.json<{ detail: string }>().detail, /signingCertificates/);
    assert.deepEqual((await api.call('GET', '/saml-service-providers')).json<{ items: unknown[] }>().items, []);
  });

  test('JSON registration validates fields and names the path; ETags guard replacement', async () => {
    const api = await adminApi();
    const { certificatePem } = await spCredentials('json-sp');
    const body = { entityId: 'urn:sp:json', assertionConsumerServices: [{ url: 'https://json.example/acs', index: 0 }], signingCertificates: [certificatePem] };
    for (const [bad, path] of [
      [{ ...body, assertionConsumerServices: [{ url: 'http://json.example/acs', index: 0 }] }, 'assertionConsumerServices.0.url'],
      [{ ...body, encryptAssertion: true }, 'encryptionCertificate'],
      [{ ...body, signAssertion: false, signResponse: false }, 'signResponse'],
      [{ ...body, attributes: [{ name: 'x', source: 'password' }] }, 'attributes.0.source'],
    ] as const) {
      const res = await api.call('POST', '/saml-service-providers', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.ok(res.json<{ errors: Array<{ path: string }> }>().errors.some((e) => e.path === path), res.body);
    }
    const created = await api.call('POST', '/saml-service-providers', body);
    assert.equal(created.status, 201, created.body);
    const id = created.json<{ id: string }>().id;
    assert.equal((await api.call('PUT', `/saml-service-providers/${id}`, { ...body, name: 'Renamed' }, { 'if-match': '"v9"' })).status, 412);
    const replaced = await api.call('PUT', `/saml-service-providers/${id}`, { ...body, name: 'Renamed' }, { 'if-match': created.headers.etag as string });
    assert.equal(replaced.status, 200, replaced.body);
    assert.equal(replaced.json<{ name: string }>().name, 'Renamed');
    assert.equal((await api.call('DELETE', `/saml-service-providers/${id}`)).status, 204);
    assert.equal((await api.call('GET', `/saml-service-providers/${id}`)).status, 404);
  });

  test('the IdP metadata names the tenant as entityID, both bindings for SSO and SLO, and the signing certificates', async () => {
    const api = await adminApi();
    const res = await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/saml2/metadata`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] as string, /samlmetadata\+xml/);
    assert.match(res.body, new RegExp(`entityID="${api.tenant.issuer}"`));
    for (const service of ['SingleSignOnService', 'SingleLogoutService']) {
      for (const binding of ['HTTP-Redirect', 'HTTP-POST']) assert.match(res.body, new RegExp(`<${service} Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${api.tenant.issuer}/saml2/${service.startsWith('SingleSign') ? 'sso' : 'slo'}"`));
    }
    assert.match(res.body, /urn:oasis:names:tc:SAML:2.0:nameid-format:persistent/);
    assert.ok((res.body.match(/<ds:X509Certificate>/g) ?? []).length >= 1);
    assert.equal((await webClient(sharedRuntime.url).get('/t/no-such-tenant/saml2/metadata')).status, 404);
  });
});
