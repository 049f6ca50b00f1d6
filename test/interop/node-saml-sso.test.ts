import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { adminApi } from '../support/admin-api.ts';
import { decodePosted, followToSp, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient } from '../support/web-client.ts';

const acs = 'http://127.0.0.1:9/node-saml/acs';
const persistent = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

async function nodeSamlSetup(options: { encrypt?: boolean } = {}) {
  const api = await adminApi();
  const { tenant } = api;
  const credentials = await spCredentials('node-saml-sp');
  const entityId = `https://node-saml.example/${tenant.slug}`;
  const sp = await registerServiceProvider(api, {
    entityId,
    assertionConsumerServices: [{ url: acs, index: 0, isDefault: true }],
    singleLogoutService: { url: 'http://127.0.0.1:9/node-saml/slo' },
    signingCertificates: [credentials.certificatePem],
    requireSignedAuthnRequests: true,
    ...(options.encrypt ? { encryptionCertificate: credentials.certificatePem, encryptAssertion: true } : {}),
    attributes: [
      { name: 'email', source: 'email' },
      { name: 'urn:oid:2.5.4.42', source: 'givenName', nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri', friendlyName: 'givenName' },
      { name: 'groups', source: 'groups' },
    ],
  });
  const browser = webClient(sharedRuntime.url);
  const saml = new SAML({
    entryPoint: `${sharedRuntime.url}/t/${tenant.slug}/saml2/sso`,
    issuer: entityId,
    callbackUrl: acs,
    idpCert: await idpCertificate(browser, tenant.slug),
    privateKey: credentials.privateKeyPem,
    decryptionPvk: credentials.privateKeyPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    identifierFormat: persistent,
    validateInResponseTo: ValidateInResponseTo.always,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    audience: entityId,
    logoutUrl: `${sharedRuntime.url}/t/${tenant.slug}/saml2/slo`,
  });
  return { api, tenant, sp, saml, browser, user: { email: tenant.adminEmail, password: tenant.adminPassword } };
}

describe('SAML SSO with @node-saml/node-saml as the service provider', () => {
  test('SP-initiated by the Redirect binding (signed request): signed response and assertion, persistent pairwise NameID, attributes, SessionIndex, AuthnContextClassRef', async () => {
    const { saml, browser, user, tenant } = await nodeSamlSetup();
    const url = new URL(await saml.getAuthorizeUrlAsync('relay-1', undefined, {}));
    const form = await followToSp(browser, () => browser.get(`${url.pathname}${url.search}`), user);
    assert.equal(form.action, acs);
    assert.equal(form.fields.RelayState, 'relay-1');
    const { profile, loggedOut } = await saml.validatePostResponseAsync(form.fields);
    assert.equal(loggedOut, false);
    assert.ok(profile);
    assert.equal(profile.nameIDFormat, persistent);
    assert.match(profile.nameID, /^[A-Za-z0-9_-]{43}$/, 'an opaque pairwise identifier, not the email');
    assert.equal(profile.email, tenant.adminEmail);
    assert.deepEqual(profile.groups, 'administrators');
    assert.match(String(profile.sessionIndex), /^[A-Za-z0-9_-]{32}$/);
    assert.match(decodePosted(form.fields.SAMLResponse!), /PasswordProtectedTransport<\/saml:AuthnContextClassRef>/);

    // A second request in the same browser session is answered at once, with the same NameID.
    const again = new URL(await saml.getAuthorizeUrlAsync('relay-2', undefined, {}));
    const second = await followToSp(browser, () => browser.get(`${again.pathname}${again.search}`));
    const { profile: profile2 } = await saml.validatePostResponseAsync(second.fields);
    assert.equal(profile2!.nameID, profile.nameID);
    assert.equal(profile2!.sessionIndex, profile.sessionIndex);
  });

  test('an encrypted assertion (AES-256-GCM, RSA-OAEP) decrypts at the SP', async () => {
    const { saml, browser, user } = await nodeSamlSetup({ encrypt: true });
    const url = new URL(await saml.getAuthorizeUrlAsync('', undefined, {}));
    const form = await followToSp(browser, () => browser.get(`${url.pathname}${url.search}`), user);
    const xml = decodePosted(form.fields.SAMLResponse!);
    assert.match(xml, /EncryptedAssertion/);
    assert.match(xml, /xmlenc11#aes256-gcm/);
    assert.match(xml, /rsa-oaep-mgf1p/);
    assert.doesNotMatch(xml, /rsa-1_5|aes256-cbc/);
    const { profile } = await saml.validatePostResponseAsync(form.fields);
    assert.ok(profile?.nameID);
  });

  test('SP-initiated by the POST binding with a signed request', async () => {
    const { saml, browser, user, tenant } = await nodeSamlSetup();
    const fields = (await saml.getAuthorizeMessageAsync('relay-post', undefined, {})) as Record<string, string>;
    const form = await followToSp(browser, () => browser.postForm(`/t/${tenant.slug}/saml2/sso`, fields), user);
    const { profile } = await saml.validatePostResponseAsync(form.fields);
    assert.equal(form.fields.RelayState, 'relay-post');
    assert.ok(profile?.nameID);
  });
});

describe('SAML SSO: ForceAuthn, IsPassive, IdP-initiated', () => {
  test('ForceAuthn makes a signed-in user sign in again; IsPassive without a session answers NoPassive', async () => {
    const { api, tenant, saml, browser, user } = await nodeSamlSetup();
    const first = new URL(await saml.getAuthorizeUrlAsync('', undefined, {}));
    await saml.validatePostResponseAsync((await followToSp(browser, () => browser.get(`${first.pathname}${first.search}`), user)).fields);
    const forced = new SAML({ ...saml.options, forceAuthn: true });
    const url = new URL(await forced.getAuthorizeUrlAsync('', undefined, {}));
    const res = await browser.get(`${url.pathname}${url.search}`);
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /\/login\?tx=/, 'the live session does not do');

    const passive = new SAML({ ...saml.options, passive: true });
    const stranger = webClient(sharedRuntime.url);
    const passiveUrl = new URL(await passive.getAuthorizeUrlAsync('', undefined, {}));
    const answer = await followToSp(stranger, () => stranger.get(`${passiveUrl.pathname}${passiveUrl.search}`));
    assert.match(decodePosted(answer.fields.SAMLResponse!), /status:NoPassive/);
    assert.equal((await passive.validatePostResponseAsync(answer.fields)).profile, null, 'node-saml accepts the signed NoPassive answer: no user');
    void api;
    void tenant;
  });

  test('IdP-initiated SSO posts an unsolicited response with RelayState to the SP’s default ACS', async () => {
    const { tenant, sp, browser, user } = await nodeSamlSetup();
    const form = await followToSp(browser, () => browser.get(`/t/${tenant.slug}/saml2/sso/initiate?sp=${encodeURIComponent(String(sp.entityId))}&RelayState=%2Fdashboard`), user);
    assert.equal(form.action, acs);
    assert.equal(form.fields.RelayState, '/dashboard');
    const xml = decodePosted(form.fields.SAMLResponse!);
    assert.doesNotMatch(xml, /InResponseTo/, 'unsolicited');
    const unsolicited = new SAML({ entryPoint: 'x', issuer: String(sp.entityId), callbackUrl: acs, idpCert: await idpCertificate(browser, tenant.slug), audience: String(sp.entityId), validateInResponseTo: ValidateInResponseTo.never, wantAssertionsSigned: true, wantAuthnResponseSigned: true });
    const { profile } = await unsolicited.validatePostResponseAsync(form.fields);
    assert.ok(profile?.nameID);
    assert.equal((await browser.get(`/t/${tenant.slug}/saml2/sso/initiate?sp=https%3A%2F%2Funknown.example`)).status, 404);
  });
});
