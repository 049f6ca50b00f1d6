import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as samlify from 'samlify';
import { SAML } from '@node-saml/node-saml';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { decodeRedirected, encodeRedirect, registerServiceProvider, spCredentials } from '../../support/saml.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient, type WebResponse } from '../../support/web-client.ts';

/** A loopback listener that proves no external entity or DTD is ever fetched. */
const fetched: string[] = [];
const listener = createServer((req, res) => {
  fetched.push(req.url ?? '');
  res.writeHead(200, { 'content-type': 'application/xml' }).end('<!ENTITY leak "leaked">');
});
let listenerUrl = '';
before(async () => {
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => listener.close(() => r())));

const acs = 'http://127.0.0.1:9/hostile/acs';
const rsaSha256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const now = () => new Date().toISOString();
const newId = () => `_${randomBytes(16).toString('hex')}`;

interface Fixture {
  api: AdminApi;
  entityId: string;
  sso: string;
  slo: string;
  sign(xml: string, credentials?: { privateKeyPem: string; certificatePem: string }): string;
  attacker: { privateKeyPem: string; certificatePem: string };
}

let fixture: Fixture;
before(async () => {
  const api = await adminApi();
  const sp = await spCredentials('hostile-sp');
  const attacker = await spCredentials('attacker');
  const entityId = `https://hostile-sp.example/${api.tenant.slug}`;
  await registerServiceProvider(api, {
    entityId,
    assertionConsumerServices: [{ url: acs, index: 0 }],
    singleLogoutService: { url: 'http://127.0.0.1:9/hostile/slo' },
    signingCertificates: [sp.certificatePem],
    requireSignedAuthnRequests: true,
  });
  const root = (xml: string) => /^<samlp:(\w+)/.exec(xml)![1]!;
  fixture = {
    api,
    entityId,
    sso: `${api.tenant.issuer}/saml2/sso`,
    slo: `${api.tenant.issuer}/saml2/slo`,
    attacker,
    sign: (xml, credentials = sp) =>
      samlify.SamlLib.constructSAMLSignature({
        rawSamlMessage: xml,
        isMessageSigned: true,
        privateKey: credentials.privateKeyPem,
        signingCert: credentials.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
        signatureAlgorithm: rsaSha256,
        isBase64Output: false,
        signatureConfig: { prefix: 'ds', location: { reference: `/*[local-name(.)='${root(xml)}']/*[local-name(.)='Issuer']`, action: 'after' } },
      }),
  };
});

function authnRequest(overrides: { id?: string; issuer?: string; destination?: string; issueInstant?: string; inner?: string; acsUrl?: string } = {}): string {
  return (
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${overrides.id ?? newId()}" Version="2.0" IssueInstant="${overrides.issueInstant ?? now()}" Destination="${overrides.destination ?? fixture.sso}" AssertionConsumerServiceURL="${overrides.acsUrl ?? acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${overrides.issuer ?? fixture.entityId}</saml:Issuer>${overrides.inner ?? ''}</samlp:AuthnRequest>`
  );
}

const logoutRequest = (nameId: string, id = newId()) =>
  `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${now()}" Destination="${fixture.slo}"><saml:Issuer>${fixture.entityId}</saml:Issuer><saml:NameID>${nameId}</saml:NameID><samlp:SessionIndex>abc</samlp:SessionIndex></samlp:LogoutRequest>`;

/**
 * XSW1–XSW8 adapted to a signed request (root element `root`): the signed message hidden in a
 * wrapper or in ds:Object, the signature moved, a duplicate ID, fields changed after signing, two
 * signatures, and the signature stripped or downgraded. `evil` is an unsigned message of the same
 * kind; `changed` is `signed` with a field altered after signing.
 */
function wrappingShapes(root: string, signed: string, evil: string, changed: string): Array<[string, string]> {
  const signedId = /ID="([^"]+)"/.exec(signed)![1]!;
  const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
  const close = `</${root}>`;
  const evilOpen = evil.slice(0, evil.indexOf('</saml:Issuer>') + '</saml:Issuer>'.length);
  const unsigned = signed.replace(signature, '');
  return [
    ['XSW1: signed message inside ds:Object of a wrapper', `${evilOpen}${signature.replace('</ds:Signature>', `<ds:Object>${unsigned}</ds:Object></ds:Signature>`)}${close}`],
    ['XSW2: signed message as a child of an unsigned wrapper', `${evilOpen}${signed}${close}`],
    ['XSW3: signature of the original moved to an evil root with the original after it', `${evilOpen}${signature}${unsigned}${close}`],
    ['XSW4: evil root with the original ID, original nested in Extensions', changed.replace(close, `<samlp:Extensions>${unsigned}</samlp:Extensions>${close}`)],
    ['XSW5: duplicate ID on a sibling copy', signed.replace(close, `<samlp:Extensions><x ID="${signedId}"/></samlp:Extensions>${close}`)],
    ['XSW6: copy of the original inside ds:Object', signed.replace('</ds:Signature>', `<ds:Object>${unsigned}</ds:Object></ds:Signature>`)],
    ['XSW7: fields changed after signing', changed],
    ['XSW8: two signatures', signed.replace(close, `${signature}${close}`)],
    ['signature stripped', unsigned],
    ['SHA-1 signature method', signed.replace(/xmldsig-more#rsa-sha256/g, 'xmldsig#rsa-sha1')],
  ];
}

const post = (xml: string, path = `/t/${fixture.api.tenant.slug}/saml2/sso`) => webClient(sharedRuntime.url).postForm(path, { SAMLRequest: Buffer.from(xml).toString('base64') });

/** Refused the way the IdP refuses a message it cannot answer: a 4xx problem or page, never a response to an ACS, never a 500. */
function assertRefused(res: WebResponse, label: string) {
  assert.ok(res.status >= 400 && res.status < 500, `${label}: expected a 4xx, got ${res.status}: ${res.body.slice(0, 300)}`);
  assert.doesNotMatch(res.body, /name="SAMLResponse"|at [\w.]+ \(|node_modules/, `${label}: no response and no stack trace`);
}

describe('SAML message intake refuses hostile AuthnRequests', () => {
  test('a correctly signed request is accepted (the baseline every attack is measured against)', async () => {
    const res = await post(fixture.sign(authnRequest()));
    assert.equal(res.status, 303, res.body);
    assert.match(String(res.headers.location), /\/login\?tx=/);
  });

  test('XML signature wrapping shapes (XSW1–XSW8 adapted to requests), stripped and foreign signatures, duplicate IDs', async () => {
    const signed = fixture.sign(authnRequest({ acsUrl: acs }));
    const evil = authnRequest({ id: newId(), acsUrl: 'https://evil.example/acs' });
    const changed = signed.replace(`AssertionConsumerServiceURL="${acs}"`, 'AssertionConsumerServiceURL="https://evil.example/acs"');
    const cases = [...wrappingShapes('samlp:AuthnRequest', signed, evil, changed), ['re-signed with an attacker key whose certificate is in KeyInfo', fixture.sign(authnRequest(), fixture.attacker)] as [string, string]];
    for (const [label, xml] of cases) assertRefused(await post(xml), label);
  });

  test('the same wrapping shapes on LogoutRequests are refused (a valid one for no session is answered UnknownPrincipal)', async () => {
    const sloPath = `/t/${fixture.api.tenant.slug}/saml2/slo`;
    const signed = fixture.sign(logoutRequest('victim@example.com'));
    const evil = logoutRequest('someone-else@example.com');
    const changed = signed.replace('victim@example.com', 'someone-else@example.com');
    for (const [label, xml] of [...wrappingShapes('samlp:LogoutRequest', signed, evil, changed), ['re-signed with an attacker key', fixture.sign(logoutRequest('victim@example.com'), fixture.attacker)] as [string, string]]) {
      assertRefused(await post(xml, sloPath), `LogoutRequest ${label}`);
    }
    assert.equal((await post(fixture.sign(logoutRequest('victim@example.com')), sloPath)).status, 303, 'the untouched signed request passes intake');
  });

  test('correctly signed messages that break the SAML schema are refused (schema validation by libxml2)', async () => {
    const cases: Array<[string, string]> = [
      ['Version missing', authnRequest().replace(' Version="2.0"', '')],
      ['unknown element in the protocol namespace', authnRequest({ inner: '<samlp:Evil/>' })],
      ['Issuer after a later element', authnRequest({ inner: '<samlp:NameIDPolicy AllowCreate="true"/>' }).replace(/(<saml:Issuer>[^<]*<\/saml:Issuer>)(<samlp:NameIDPolicy[^>]*\/>)/, '$2$1')],
      ['IssueInstant that is not a dateTime', authnRequest({ issueInstant: 'yesterday' })],
    ];
    for (const [label, xml] of cases) assertRefused(await post(fixture.sign(xml)), label);
  });

  test('DTDs and entities (general, parameter-entity, external DTD, billion laughs), XInclude, comments and PIs are refused before parsing; nothing is fetched', async () => {
    const base = authnRequest();
    const cases: Array<[string, string]> = [
      ['XXE general entity', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "${listenerUrl}/general">]>${base.replace(fixture.entityId, '&e;')}`],
      ['XXE parameter entity', `<!DOCTYPE r [<!ENTITY % p SYSTEM "${listenerUrl}/parameter"> %p;]>${base}`],
      ['external DTD', `<!DOCTYPE r SYSTEM "${listenerUrl}/dtd">${base}`],
      ['billion laughs', `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>${base.replace(fixture.entityId, '&d;')}`],
      ['XInclude', base.replace('</samlp:AuthnRequest>', `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${listenerUrl}/xinclude"/></samlp:AuthnRequest>`)],
      ['comment injection', fixture.sign(authnRequest()).replace(fixture.entityId, `${fixture.entityId}<!-- x -->`)],
      ['processing instruction', base.replace('<saml:Issuer>', '<?evil data?><saml:Issuer>')],
      ['oversized', base.replace('</samlp:AuthnRequest>', `<samlp:Extensions>${'x'.repeat(70_000)}</samlp:Extensions></samlp:AuthnRequest>`)],
      ['not XML', 'hello'],
      ['not base64 XML', '\u0000\u0001binary'],
    ];
    for (const [label, xml] of cases) assertRefused(await post(xml), label);
    const deflateBomb = encodeRedirect(`<a>${'A'.repeat(5_000_000)}</a>`);
    assertRefused(await webClient(sharedRuntime.url).get(`/t/${fixture.api.tenant.slug}/saml2/sso?SAMLRequest=${encodeURIComponent(deflateBomb)}`), 'inflation bomb by Redirect');
    assert.deepEqual(fetched, [], 'no outbound fetch happened');
  });

  test('replay, wrong Destination, stale or future IssueInstant, unknown Issuer, unregistered ACS, and another tenant’s endpoint', async () => {
    const once = fixture.sign(authnRequest());
    assert.equal((await post(once)).status, 303);
    assertRefused(await post(once), 'replayed request');
    assertRefused(await post(fixture.sign(authnRequest({ destination: `${sharedRuntime.url}/t/other/saml2/sso` }))), 'wrong Destination');
    assertRefused(await post(fixture.sign(authnRequest({ issueInstant: new Date(Date.now() - 15 * 60_000).toISOString() }))), 'stale IssueInstant');
    assertRefused(await post(fixture.sign(authnRequest({ issueInstant: new Date(Date.now() + 15 * 60_000).toISOString() }))), 'IssueInstant in the future');
    assertRefused(await post(fixture.sign(authnRequest({ issuer: 'https://unknown.example' }))), 'unknown Issuer');
    const unregistered = await post(fixture.sign(authnRequest({ acsUrl: 'https://evil.example/acs' })));
    assertRefused(unregistered, 'unregistered ACS');
    assert.doesNotMatch(unregistered.body, /evil\.example/, 'no redirect or form to the unregistered ACS');

    // Another tenant with an SP of the same entityID but its own certificate.
    const other = await adminApi();
    const otherCredentials = await spCredentials('other-tenant-sp');
    await registerServiceProvider(other, { entityId: fixture.entityId, assertionConsumerServices: [{ url: acs, index: 0 }], signingCertificates: [otherCredentials.certificatePem], requireSignedAuthnRequests: true });
    assertRefused(await post(fixture.sign(authnRequest({ destination: `${other.tenant.issuer}/saml2/sso` })), `/t/${other.tenant.slug}/saml2/sso`), 'a request signed for tenant A sent to tenant B');
    const third = await adminApi();
    assertRefused(await post(fixture.sign(authnRequest({ destination: `${third.tenant.issuer}/saml2/sso` })), `/t/${third.tenant.slug}/saml2/sso`), 'an SP tenant C does not know');
  });

  test('SHA-1 on the Redirect binding (node-saml’s default) is refused; SHA-256 is accepted', async () => {
    const sp = await spCredentials('redirect-sp');
    const entityId = `https://redirect-sp.example/${fixture.api.tenant.slug}`;
    await registerServiceProvider(fixture.api, { entityId, assertionConsumerServices: [{ url: acs, index: 0 }], signingCertificates: [sp.certificatePem], requireSignedAuthnRequests: true });
    const client = (signatureAlgorithm: 'sha1' | 'sha256') => new SAML({ entryPoint: fixture.sso, issuer: entityId, callbackUrl: acs, idpCert: 'unused', privateKey: sp.privateKeyPem, signatureAlgorithm });
    const path = async (algorithm: 'sha1' | 'sha256') => {
      const url = new URL(await client(algorithm).getAuthorizeUrlAsync('', undefined, {}));
      return `${url.pathname}${url.search}`;
    };
    assertRefused(await webClient(sharedRuntime.url).get(await path('sha1')), 'rsa-sha1 SigAlg');
    assert.equal((await webClient(sharedRuntime.url).get(await path('sha256'))).status, 303);
    const tampered = new URL(await client('sha256').getAuthorizeUrlAsync('relay', undefined, {}));
    tampered.searchParams.set('RelayState', 'changed');
    assertRefused(await webClient(sharedRuntime.url).get(`${tampered.pathname}${tampered.search}`), 'RelayState changed after signing');
  });

  test('LogoutRequests: unsigned ones are refused by default, as are comment-injected NameIDs and unknown sessions', async () => {
    const sloPath = `/t/${fixture.api.tenant.slug}/saml2/slo`;
    assertRefused(await post(logoutRequest('someone'), sloPath), 'unsigned LogoutRequest');
    assertRefused(await post(fixture.sign(logoutRequest('admin@example.com<!---->.evil.example')), sloPath), 'comment in NameID');
    const unknown = await post(fixture.sign(logoutRequest('nobody')), sloPath);
    assert.equal(unknown.status, 303, 'a signed request for no live session is answered (Redirect binding), not refused');
    const answer = new URL(String(unknown.headers.location));
    assert.equal(`${answer.origin}${answer.pathname}`, 'http://127.0.0.1:9/hostile/slo');
    assert.match(decodeRedirected(answer, 'SAMLResponse'), /UnknownPrincipal/);
    assertRefused(await webClient(sharedRuntime.url).get(sloPath), 'no message at all');
  });
});
