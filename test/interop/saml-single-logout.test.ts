import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { validateSamlSchema } from '../../shared/adapters/xml/saml-schema-validator.ts';
import * as samlify from 'samlify';
import * as oidc from 'openid-client';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { callbackUri, insecure, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { autoPostForm, decodeRedirected, followToSp, frameReport, idpCertificate, logoutPage, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient, type WebClient, type WebResponse } from '../support/web-client.ts';

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
before(useSharedRuntimeEnvironment);
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

/** SP C: samlify with a SOAP SingleLogoutService (a real listener), for sessions ended without a browser. */
async function soapSp(api: AdminApi, browser: WebClient, behaviour: 'answers' | 'fails') {
  const credentials = await spCredentials('sp-c');
  const entityId = `https://sp-c.example/${api.tenant.slug}`;
  const received: string[] = [];
  const listener = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      void (async () => {
        const logoutRequest = /<soap:Body>([\s\S]*)<\/soap:Body>/.exec(body)?.[1] ?? '';
        // samlify verifies the IdP's signature, as it would for the POST binding, and signs its answer.
        const { extract } = await sp.parseLogoutRequest(idp, 'post', { body: { SAMLRequest: Buffer.from(logoutRequest).toString('base64') } });
        received.push(String(extract.nameID));
        if (behaviour === 'fails') return void res.writeHead(500).end();
        const answer = sp.createLogoutResponse(idp, { extract }, 'post', '') as { context: string };
        res.writeHead(200, { 'content-type': 'text/xml' }).end(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${Buffer.from(answer.context, 'base64').toString('utf8')}</soap:Body></soap:Envelope>`);
      })().catch(() => res.writeHead(400).end());
    });
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const soapUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/soap`;
  await registerServiceProvider(api, {
    entityId,
    assertionConsumerServices: [{ url: 'http://127.0.0.1:9/c/acs', index: 0 }],
    singleLogoutService: { url: 'http://127.0.0.1:9/c/slo', binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST' },
    backChannelLogoutUrl: soapUrl,
    signingCertificates: [credentials.certificatePem],
    requireSignedAuthnRequests: true,
  });
  const sp = samlify.ServiceProvider({
    entityID: entityId, authnRequestsSigned: true, wantAssertionsSigned: true, wantLogoutRequestSigned: true, wantLogoutResponseSigned: true,
    privateKey: credentials.privateKeyPem, signingCert: credentials.certificatePem, requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    assertionConsumerService: [{ Binding: binding.post, Location: 'http://127.0.0.1:9/c/acs' }],
    singleLogoutService: [{ Binding: binding.post, Location: 'http://127.0.0.1:9/c/slo' }],
  });
  const idp = samlify.IdentityProvider({ metadata: (await browser.get(`/t/${api.tenant.slug}/saml2/metadata`)).body, wantLogoutRequestSigned: true, wantLogoutResponseSigned: true });
  const form = await followToSp(browser, () => browser.get(pathOf(sp.createLoginRequest(idp, 'redirect').context)));
  await sp.parseLoginResponse(idp, 'post', { body: form.fields });
  return { received, close: () => new Promise<void>((r) => listener.close(() => r())) };
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

  const client = await registerClient(api.tenant, { backchannel_logout_uri: `${listenerUrl}/c`, post_logout_redirect_uris: ['http://127.0.0.1:9/c/signed-out'] });
  const config = await oidc.discovery(new URL(api.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const callback = await signInThrough(oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }), user, browser);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier });
  return { a, profile: profile as Profile, b, assertionB, sid: tokens.claims()!.sid as string, config, idToken: tokens.id_token! };
}

/** The logout page after an SP's LogoutRequest or an OIDC logout: where the IdP sent the browser. */
async function openLogoutPage(browser: WebClient, started: WebResponse) {
  assert.equal(started.status, 303, started.body);
  const location = String(started.headers.location);
  assert.match(location, /\/saml2\/slo\/propagate\?logout=/);
  const res = await browser.get(pathOf(location));
  return { res, ...logoutPage(res) };
}

/** Frame for the samlify SP: the IdP's LogoutRequest by POST, samlify's signed answer posted back. */
async function answerInSamlifyFrame(browser: WebClient, b: Awaited<ReturnType<typeof samlifySp>>, frame: WebResponse, expectedNameId: unknown) {
  const toB = autoPostForm(frame);
  assert.equal(toB.action, 'http://127.0.0.1:9/b/slo', 'the samlify SP is visited (HTTP-POST)');
  const { extract: requestToB } = await b.sp.parseLogoutRequest(b.idp, 'post', { body: toB.fields });
  assert.equal(requestToB.nameID, expectedNameId, 'the NameID that SP was given (transient)');
  const answerB = b.sp.createLogoutResponse(b.idp, { extract: requestToB }, 'post', toB.fields.RelayState!) as { context: string; entityEndpoint: string };
  return browser.postForm(pathOf(answerB.entityEndpoint), { SAMLResponse: answerB.context, RelayState: toB.fields.RelayState! });
}

describe('SAML Single Logout across two SAML SPs and an OIDC client', () => {
  test('a LogoutRequest from node-saml reaches the samlify SP by front channel and the OIDC client by back channel; node-saml gets Success', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile, b, assertionB, sid } = await joinAll(api, browser);
    assert.equal(profile.sessionIndex, sid, 'SessionIndex and sid name the same SSO session');
    assert.equal((assertionB.sessionIndex as Record<string, string>).sessionIndex, sid);

    const before = logoutTokens.length;
    const logout = await openLogoutPage(browser, await browser.get(pathOf(await a.getLogoutUrlAsync(profile, 'after-logout', {}))));
    assert.equal(logout.frames.length, 1, 'one frame: the other SAML participant');
    assert.match(String(logout.res.headers['content-security-policy']), /frame-src 'self' http:\/\/127\.0\.0\.1:9[;\s]/, 'its frames may reach the SP');
    assert.equal(logoutTokens.length, before + 1, 'the OIDC client got a logout token');
    assert.equal(JSON.parse(Buffer.from(logoutTokens.at(-1)!.split('.')[1]!, 'base64url').toString()).sid, sid);

    const framed = await browser.get(pathOf(logout.frames[0]!));
    assert.equal(framed.headers['x-frame-options'], 'SAMEORIGIN');
    assert.match(String(framed.headers['content-security-policy']), /frame-ancestors 'self'/);
    const back = await answerInSamlifyFrame(browser, b, framed, assertionB.nameID);
    assert.deepEqual(frameReport(back), { logout: new URL(logout.finish, sharedRuntime.url).searchParams.get('logout'), leg: 0, outcome: 'success' });
    assert.match(String(back.headers['content-security-policy']), /frame-ancestors 'self'/, 'the answer page shows only inside the logout page');

    const done = await browser.get(pathOf(logout.finish));
    assert.equal(done.status, 303, done.body);
    const toA = new URL(String(done.headers.location));
    assert.equal(`${toA.origin}${toA.pathname}`, 'http://127.0.0.1:9/a/slo');
    assert.equal(toA.searchParams.get('RelayState'), 'after-logout');
    const xml = decodeRedirected(toA, 'SAMLResponse');
    assert.match(xml, /status:Success"\/?>/);
    assert.doesNotMatch(xml, /PartialLogout/);
    const validated = await a.validateRedirectAsync(Object.fromEntries(toA.searchParams), toA.search.slice(1));
    assert.equal(validated.loggedOut, true, 'node-saml accepts the signed LogoutResponse');
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/, 'the SSO session has ended');
    assert.equal((await browser.get(pathOf(logout.finish))).status, 400, 'the exchange finishes once');
    const events = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.logout');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.outcome, 'success');
    assert.deepEqual((events[0]!.details.participants as Array<{ result: string }>).map((p) => p.result), ['success']);
  });

  test('a participant that fails makes the answer PartialLogout; the session still ends', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile } = await joinAll(api, browser);
    const logout = await openLogoutPage(browser, await browser.get(pathOf(await a.getLogoutUrlAsync(profile, '', {}))));
    const toB = autoPostForm(await browser.get(pathOf(logout.frames[0]!)));
    // SP B answers with something that is not a valid LogoutResponse: the frame reports nothing.
    const back = await browser.get(`/t/${api.tenant.slug}/saml2/slo?SAMLResponse=${encodeURIComponent(Buffer.from('garbage').toString('base64'))}&RelayState=${toB.fields.RelayState}`);
    assert.equal(frameReport(back), undefined);
    const done = await browser.get(pathOf(logout.finish));
    const toA = new URL(String(done.headers.location));
    const xml = decodeRedirected(toA, 'SAMLResponse');
    assert.match(xml, /status:PartialLogout/);
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/);
  });

  test('a participant that never answers (the page moves on) also makes it PartialLogout', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile } = await joinAll(api, browser);
    const logout = await openLogoutPage(browser, await browser.get(pathOf(await a.getLogoutUrlAsync(profile, '', {}))));
    autoPostForm(await browser.get(pathOf(logout.frames[0]!)));
    const toA = new URL(String((await browser.get(pathOf(logout.finish))).headers.location));
    assert.match(decodeRedirected(toA, 'SAMLResponse'), /status:PartialLogout/);
    const [event] = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.logout');
    assert.equal(event?.outcome, 'failure');
    assert.deepEqual((event?.details.participants as Array<{ result: string }>).map((p) => p.result), ['no_answer'], 'the trail says who never answered');
  });

  test('an administrator ending the session reaches a SOAP-capable SP server to server; the others are named as not reached', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { sid } = await joinAll(api, browser);
    const c = await soapSp(api, browser, 'answers');
    try {
      const users = (await api.call('GET', '/users')).json<{ items: Array<{ id: string; emails: Array<{ value: string }> }> }>();
      const admin = users.items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!;
      assert.equal((await api.call('DELETE', `/users/${admin.id}/sessions/${sid}`)).status, 204);
      assert.equal(c.received.length, 1, 'the SOAP SP got one signed LogoutRequest, verified by samlify');
      const [event] = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.logout');
      const results = (event?.details.participants as Array<{ result: string }>).map((p) => p.result).sort();
      assert.deepEqual(results, ['not_reached', 'not_reached', 'success']);
    } finally {
      await c.close();
    }
  });

  test('a SOAP SP that fails is reported as failed', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const user = { email: api.tenant.adminEmail, password: api.tenant.adminPassword };
    await followToSp(browser, () => browser.get(`/t/${api.tenant.slug}/login`), user).catch(() => undefined);
    const c = await soapSp(api, browser, 'fails');
    try {
      const users = (await api.call('GET', '/users')).json<{ items: Array<{ id: string; emails: Array<{ value: string }> }> }>();
      const admin = users.items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!;
      assert.equal((await api.call('DELETE', `/users/${admin.id}/sessions`)).status, 204);
      const [event] = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.logout');
      assert.deepEqual((event?.details.participants as Array<{ result: string }>).map((p) => p.result), ['failure']);
      assert.equal(c.received.length, 1);
    } finally {
      await c.close();
    }
  });

  test('an administrator ending the session cannot reach SAML SPs (no browser): the audit trail names them', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { sid } = await joinAll(api, browser);
    const users = (await api.call('GET', '/users')).json<{ items: Array<{ id: string; emails: Array<{ value: string }> }> }>();
    const admin = users.items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!;
    assert.equal((await api.call('DELETE', `/users/${admin.id}/sessions/${sid}`)).status, 204);
    const [event] = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.logout');
    assert.equal(event?.outcome, 'failure');
    assert.equal(event?.details.reason, 'no_browser');
    assert.deepEqual((event?.details.participants as Array<{ result: string }>).map((p) => p.result), ['not_reached', 'not_reached']);
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/, 'the session has ended all the same');
  });

  test('OIDC RP-initiated logout signs the browser out of both SAML SPs through the logout page, then returns to the client', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile, b, assertionB, config, idToken } = await joinAll(api, browser);
    const before = logoutTokens.length;
    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1:9/c/signed-out', state: 'st-1' });
    const logout = await openLogoutPage(browser, await browser.get(pathOf(endSession)));
    assert.equal(logout.frames.length, 2, 'both SAML participants');
    assert.equal(logoutTokens.length, before + 1, 'the OIDC client itself heard by back channel');

    // Each frame as a browser runs it: node-saml's SLO takes the Redirect binding, samlify's the POST binding.
    const reports = [];
    for (const frame of logout.frames) {
      const first = await browser.get(pathOf(frame));
      if (first.status === 303) {
        const toA = new URL(String(first.headers.location));
        assert.equal(`${toA.origin}${toA.pathname}`, 'http://127.0.0.1:9/a/slo');
        const validated = await a.validateRedirectAsync(Object.fromEntries(toA.searchParams), toA.search.slice(1));
        assert.equal(validated.profile?.nameID, profile.nameID, 'node-saml validated the IdP-initiated LogoutRequest for its user');
        const answer = await a.getLogoutResponseUrlAsync(validated.profile!, toA.searchParams.get('RelayState')!, {}, true);
        reports.push(frameReport(await browser.get(pathOf(answer))));
      } else {
        reports.push(frameReport(await answerInSamlifyFrame(browser, b, first, assertionB.nameID)));
      }
    }
    assert.deepEqual(reports.map((r) => r?.outcome), ['success', 'success']);

    const done = await browser.get(pathOf(logout.finish));
    assert.equal(done.status, 303);
    assert.equal(String(done.headers.location), 'http://127.0.0.1:9/c/signed-out?state=st-1', 'back to the OIDC client, with its state');
    assert.match((await browser.get(`/t/${api.tenant.slug}/login`)).body, /name="password"/, 'the SSO session has ended');
  });

  test('the hosted sign-out page also goes through the SAML logout page, which ends on a signed-out page', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    await joinAll(api, browser);
    const logout = await openLogoutPage(browser, await browser.get(`/t/${api.tenant.slug}/login/logout`));
    assert.equal(logout.frames.length, 2);
    const done = await browser.get(pathOf(logout.finish));
    assert.equal(done.status, 200);
    assert.match(done.body, /You are signed out/);
    assert.match(done.body, /could not confirm/, 'nobody answered: the user is told');
  });

  test('logout pages, frames and exchanges of one tenant mean nothing at another', async () => {
    const api = await adminApi();
    const other = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const { a, profile } = await joinAll(api, browser);
    const logout = await openLogoutPage(browser, await browser.get(pathOf(await a.getLogoutUrlAsync(profile, '', {}))));
    const foreign = (path: string) => path.replace(`/t/${api.tenant.slug}/`, `/t/${other.tenant.slug}/`);
    assert.equal((await browser.get(foreign(pathOf(logout.frames[0]!)))).status, 400);
    assert.equal((await browser.get(foreign(pathOf(logout.finish)))).status, 400);
    assert.equal((await browser.get(`/t/${api.tenant.slug}/saml2/slo/finish?logout=${'x'.repeat(32)}`)).status, 400);
    assert.equal((await browser.get(`/t/${api.tenant.slug}/saml2/slo/leg?logout=${new URL(logout.finish, sharedRuntime.url).searchParams.get('logout')}&leg=7`)).status, 400);
    assert.equal((await browser.get(pathOf(logout.finish))).status, 303, 'the exchange is intact at its own tenant');
  });
});
