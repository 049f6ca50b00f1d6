import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { adminApi } from '../support/admin-api.ts';
import { decodePosted, followToSp, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient } from '../support/web-client.ts';

const acs = 'http://127.0.0.1:9/xmlsec/acs';
const dir = mkdtempSync(join(tmpdir(), 'xmlsec1-'));

/** xmlsec1 (the reference C implementation) verifying one signature, chosen by XPath, against the IdP's certificate only. */
function xmlsec1Verifies(xml: string, certificate: string, signatureXPath: string): boolean {
  const file = join(dir, `m-${Math.random().toString(16).slice(2)}.xml`);
  const cert = join(dir, 'idp.pem');
  writeFileSync(file, xml);
  writeFileSync(cert, `-----BEGIN CERTIFICATE-----\n${certificate.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
  try {
    execFileSync('xmlsec1', ['--verify', '--enabled-key-data', 'x509', '--pubkey-cert-pem', cert, '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:Response', '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion', '--node-xpath', signatureXPath, file], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const responseSignature = "/*[local-name()='Response']/*[local-name()='Signature']";
const assertionSignature = "/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature']";

describe('independent signature check with xmlsec1', () => {
  test('both the Response and the Assertion signatures verify in xmlsec1, and what node-saml consumed is what was signed', async () => {
    const api = await adminApi();
    const credentials = await spCredentials('xmlsec-sp');
    const entityId = `https://xmlsec.example/${api.tenant.slug}`;
    await registerServiceProvider(api, { entityId, assertionConsumerServices: [{ url: acs, index: 0 }], signingCertificates: [credentials.certificatePem], attributes: [{ name: 'email', source: 'email' }] });
    const browser = webClient(sharedRuntime.url);
    const certificate = await idpCertificate(browser, api.tenant.slug);
    const saml = new SAML({ entryPoint: `${api.tenant.issuer}/saml2/sso`, issuer: entityId, callbackUrl: acs, idpCert: certificate, privateKey: credentials.privateKeyPem, signatureAlgorithm: 'sha256', validateInResponseTo: ValidateInResponseTo.always, audience: entityId, wantAssertionsSigned: true, wantAuthnResponseSigned: true });
    const url = new URL(await saml.getAuthorizeUrlAsync('', undefined, {}));
    const form = await followToSp(browser, () => browser.get(`${url.pathname}${url.search}`), { email: api.tenant.adminEmail, password: api.tenant.adminPassword });
    const xml = decodePosted(form.fields.SAMLResponse!);
    assert.match(xml, /SignatureMethod Algorithm="http:\/\/www.w3.org\/2001\/04\/xmldsig-more#rsa-sha256"/);
    assert.doesNotMatch(xml, /rsa-sha1|xmldsig#sha1/);
    assert.ok(xmlsec1Verifies(xml, certificate, responseSignature), 'Response signature');
    assert.ok(xmlsec1Verifies(xml, certificate, assertionSignature), 'Assertion signature');

    const { profile } = await saml.validatePostResponseAsync(form.fields);
    const signedNameId = /<saml:NameID[^>]*>([^<]+)<\/saml:NameID>/.exec(xml)![1]!;
    assert.equal(profile!.nameID, signedNameId, 'the NameID node-saml consumed is the one in the signed assertion');

    const tampered = xml.replace(signedNameId, 'attacker');
    assert.equal(xmlsec1Verifies(tampered, certificate, assertionSignature), false, 'xmlsec1 catches a changed NameID');
    const other = await spCredentials('not-the-idp');
    assert.equal(xmlsec1Verifies(xml, other.certificate, responseSignature), false, 'and a wrong key');
  });
});
