import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { validateSamlSchema } from '../../functions/saml/schema-validator.ts';
import * as samlify from 'samlify';
import * as oidc from 'openid-client';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { autoPostForm, decodeRedirected, followToSp, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient, type WebClient } from '../support/web-client.ts';

samlify.setSchemaValidator({ validate: validateSamlSchema });
const binding = samlify.Constants.namespace.binding;

/** The OIDC client's back-channel logout endpoint: a real listener. */
const logoutTokens: string[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
    res.writeHead(200).end();
  });
});
let listenerUrl = '';
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  listenerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** SP A: node-saml. */
async function nodeSamlSp(api: AdminApi, browser: WebClient) {
  const credentials = await spCredentials('sp-a');
  const entityId = `https://sp-a.example/${api.tenant.slug}`;
  await registerServiceProvider(api, {
    entityId,
    assertionConsumerServices: [{ url: 'http://127.0.0.1:9/a/acs', index: 0 }],
    singleLogoutService: { url: 'http://127.0.0.1:9/a/slo' },
    signingCertificates: [credentials.certificatePem],
  });
  return new SAML({
    entryPoint: `${sharedRuntime.url}/t/${api.tenant.slug}/saml2/sso`,
    logoutUrl: `${sharedRuntime.url}/t/${api.tenant.slug}/saml2/slo`,
    issuer: entityId,
    callbackUrl: 'http://127.0.0.1:9/a/acs',
    idpCert: await idpCertificate(browser, api.tenant.slug),
    privateKey: credentials.privateKeyPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    validateInResponseTo: ValidateInResponseTo.always,
    audience: entityId,
  });
}

/** SP B: samlify, with the IdP read from its published metadata. */
async function samlifySp(api: AdminApi, browser: WebClient) {
  const credentials = await spCredentials('sp-b');
  const entityId = `https://sp-b.example/${api.tenant.slug}`;
  await registerServiceProvider(api, {
    entityId,
    assertionConsumerServices: [{ url: 'http://127.0.0.1:9/b/acs', index: 0 }],
    singleLogoutService: { url: 'http://127.0.0.1:9/b/slo', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST' },
    signingCertificates: [credentials.certificatePem],
    requireSignedAuthnRequests: true,
    nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  });
  const sp = samlify.ServiceProvider({
    entityID: entityId,
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    wantLogoutRequestSigned: true,
    wantLogoutResponseSigned: true,
    privateKey: credentials.privateKeyPem,
    signingCert: credentials.certificatePem,
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    assertionConsumerService: [{ Binding: binding.post, Location: 'http://127.0.0.1:9/b/acs' }],
    // POST: samlify checks a Redirect-binding signature against one certificate only, and the IdP publishes two (active and next).
    singleLogoutService: [{ Binding: binding.post, Location: 'http://127.0.0.1:9/b/slo' }],
  });
  const idp = samlify.IdentityProvider({ metadata: (await browser.get(`/t/${api.tenant.slug}/saml2/metadata`)).body, wantLogoutRequestSigned: true, wantLogoutResponseSigned: true });
  return { sp, idp };
}

const pathOf = (url: string | URL) => {
  const u = new URL(url, sharedRuntime.url);
  return `${u.pathname}${u.search}`;
};

async function joinAll(api: AdminApi, browser: WebClient) {
  const user = { email: api.tenant.adminEmail, password: api.tenant.adminPassword };
  const a = await nodeSamlSp(api, browser);
  const loginA = new URL(await a.getAuthorizeUrlAsync('', undefined, {}));
  const formA = await followToSp(browser, () => browser.get(pathOf(loginA)), user);
  const { profile } = await a.validatePostResponseAsync(formA.fields);

  const b = await samlifySp(api, browser);
  const loginB = new URL(b.sp.createLoginRequest(b.idp, 'redirect').context);
  const formB = await followToSp(browser, () => browser.get(pathOf(loginB)));
  const { extract: assertionB } = await b.sp.parseLoginResponse(b.idp, 'post', { body: formB.fields });

  const client = await registerClient(api.tenant, { backchannel_logout_uri: `${listenerUrl}/c` });
  const config = await oidc.discovery(new URL(api.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const callback = await signInThrough(oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }), user, browser);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
  return { a, profile: profile as Profile, b, assertionB, sid: tokens.claims()!.sid as string };
}

describe('SAML Single Logout across two SAML SPs and an OIDC client', () => {
  test('a LogoutRequest from node-saml reaches the samlify SP by front channel and the OIDC client by back channel; node-saml gets Success', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile, b, assertionB, sid } = await joinAll(api, browser);
    assert.equal(profile.sessionIndex, sid, 'SessionIndex and sid name the same SSO session');
    assert.equal((assertionB.sessionIndex as Record<string, string>).sessionIndex, sid);

    const before = logoutTokens.length;
    const logout = await browser.get(pathOf(await a.getLogoutUrlAsync(profile, 'after-logout', {})));
    const toB = autoPostForm(logout);
    assert.equal(toB.action, 'http://127.0.0.1:9/b/slo', 'the other SAML participant is visited (HTTP-POST)');
    const { extract: requestToB } = await b.sp.parseLogoutRequest(b.idp, 'post', { body: toB.fields });
    assert.equal(requestToB.nameID, assertionB.nameID, 'the NameID that SP was given (transient)');
    assert.equal(logoutTokens.length, before + 1, 'the OIDC client got a logout token');
    assert.equal(JSON.parse(Buffer.from(logoutTokens.at(-1)!.split('.')[1]!, 'base64url').toString()).sid, sid);

    const answerB = b.sp.createLogoutResponse(b.idp, { extract: requestToB }, 'post', toB.fields.RelayState!) as { context: string; entityEndpoint: string };
    const back = await browser.postForm(pathOf(answerB.entityEndpoint), { SAMLResponse: answerB.context, RelayState: toB.fields.RelayState! });
    assert.equal(back.status, 303, back.body);
    const toA = new URL(String(back.headers.location));
    assert.equal(`${toA.origin}${toA.pathname}`, 'http://127.0.0.1:9/a/slo');
    assert.equal(toA.searchParams.get('RelayState'), 'after-logout');
    const xml = decodeRedirected(toA, 'SAMLResponse');
    assert.match(xml, /status:Success"\/?>/);
    assert.doesNotMatch(xml, /PartialLogout/);
    const validated = await a.validateRedirectAsync(Object.fromEntries(toA.searchParams), toA.search.slice(1));
    assert.equal(validated.loggedOut, true, 'node-saml accepts the signed LogoutResponse');
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/, 'the SSO session has ended');
  });

  test('a participant that fails makes the answer PartialLogout; the session still ends', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile } = await joinAll(api, browser);
    const logout = await browser.get(pathOf(await a.getLogoutUrlAsync(profile, '', {})));
    const toB = autoPostForm(logout);
    // SP B answers with something that is not a valid LogoutResponse.
    const back = await browser.get(`/t/${api.tenant.slug}/saml2/slo?SAMLResponse=${encodeURIComponent(Buffer.from('garbage').toString('base64'))}&RelayState=${toB.fields.RelayState}`);
    const toA = new URL(String(back.headers.location));
    const xml = decodeRedirected(toA, 'SAMLResponse');
    assert.match(xml, /status:PartialLogout/);
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/);
  });
});
