import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { adminApi } from '../support/admin-api.ts';
import { decodePosted, followToSp, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { mailTo } from '../support/mailbox.ts';
import { eventually } from '../support/wait.ts';
import { csrfTokenOf, webClient } from '../support/web-client.ts';

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

describe('SAML SSO: RequestedAuthnContext', () => {
  const mfa = 'https://refeds.org/profile/mfa';
  const ppt = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

  test('MFA asked for and no rule to get it: NoAuthnContext; an exact PasswordProtectedTransport request is met', async () => {
    const { saml, browser, user } = await nodeSamlSetup();
    const first = new URL(await saml.getAuthorizeUrlAsync('', undefined, {}));
    const signedIn = await followToSp(browser, () => browser.get(`${first.pathname}${first.search}`), user);
    assert.match(decodePosted(signedIn.fields.SAMLResponse!), new RegExp(`<saml:AuthnContextClassRef>${ppt}<`), 'node-saml asks for exactly PasswordProtectedTransport by default');
    const wantsMfa = new SAML({ ...saml.options, authnContext: [mfa], racComparison: 'exact' });
    const url = new URL(await wantsMfa.getAuthorizeUrlAsync('', undefined, {}));
    const answer = await followToSp(browser, () => browser.get(`${url.pathname}${url.search}`));
    assert.match(decodePosted(answer.fields.SAMLResponse!), /status:NoAuthnContext/);
    await assert.rejects(wantsMfa.validatePostResponseAsync(answer.fields), /NoAuthnContext|Responder/);
    const atMost = new SAML({ ...saml.options, authnContext: ['urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified'], racComparison: 'maximum' });
    const maxUrl = new URL(await atMost.getAuthorizeUrlAsync('', undefined, {}));
    const weaker = await followToSp(browser, () => browser.get(`${maxUrl.pathname}${maxUrl.search}`));
    assert.match(decodePosted(weaker.fields.SAMLResponse!), /<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2\.0:ac:classes:unspecified</, 'maximum: a weaker true class is asserted');
  });

  test('a flow rule on the requested context steps the user up (emailed code), and the assertion says MFA', async () => {
    const { api, tenant, saml, browser, user } = await nodeSamlSetup();
    const flow = { steps: [{ options: ['password'] }, { options: ['email_otp'], optional: true }], rules: [{ description: 'MFA when asked', when: { acrRequested: mfa }, then: { requireStep: 2 } }] };
    assert.equal((await api.call('PUT', '/flows/default', flow)).status, 200);
    const first = new URL(await saml.getAuthorizeUrlAsync('', undefined, {}));
    assert.match(decodePosted((await followToSp(browser, () => browser.get(`${first.pathname}${first.search}`), user)).fields.SAMLResponse!), /classes:PasswordProtectedTransport</, 'no MFA unless asked');

    const wantsMfa = new SAML({ ...saml.options, authnContext: [mfa], racComparison: 'minimum' });
    const url = new URL(await wantsMfa.getAuthorizeUrlAsync('', undefined, {}));
    const start = await browser.get(`${url.pathname}${url.search}`);
    assert.equal(start.status, 303);
    assert.match(String(start.headers.location), /\/login\?tx=/, 'the password-only session must step up');
    let res = await browser.get(String(start.headers.location).replace(sharedRuntime.url, ''));
    for (let hops = 0; res.status === 303 && hops < 4; hops++) res = await browser.get(String(res.headers.location).replace(sharedRuntime.url, ''));
    assert.match(res.body, /Check your email/, 'the second step, required by the rule');
    const mail = await eventually('the code mail', async () => (await mailTo(tenant.adminEmail)).find((m) => /sign-in code/.test(m.subject)));
    const passed = await browser.postForm(`/t/${tenant.slug}/login/step`, { csrf: csrfTokenOf(res.body), method: 'email_otp', code: /code: (\d{6})/.exec(mail.subject)![1]! });
    const form = await followToSp(browser, async () => passed);
    const { profile } = await wantsMfa.validatePostResponseAsync(form.fields);
    assert.ok(profile);
    assert.match(decodePosted(form.fields.SAMLResponse!), /<saml:AuthnContextClassRef>https:\/\/refeds\.org\/profile\/mfa</);
  });
});
