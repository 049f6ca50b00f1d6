import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import * as samlify from 'samlify';
import { validateSamlSchema } from '../../../shared/adapters/xml/saml-schema-validator.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { browse, providerLink, signInThroughProvider } from '../../support/federation.ts';
import { decodePosted, decodeRedirected, spCredentials } from '../../support/saml.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);
samlify.setSchemaValidator({ validate: validateSamlSchema });

const statusSuccess = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const persistent = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const redirectBinding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

const brokerUsers = async (api: AdminApi) => (await api.call('GET', '/users')).json<{ items: Array<{ id: string; userName: string; emails: Array<{ value: string; verified: boolean }>; name: { givenName?: string; familyName?: string }; attributes: Record<string, string> }> }>().items;
const failureReasons = async (slug: string) => (await auditEventsOf(slug)).filter((e) => e.type === 'federation.failure').map((e) => String(e.details.reason));

/** The broker names the provider in its default flow's first step, beside the password. */
async function offer(broker: AdminApi, idpId: string) {
  assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idpId}`] }] })).status, 200);
}

/**
 * A tenant of this platform as the upstream SAML IdP: the broker's SP metadata imported there
 * (so assertions come signed and encrypted to the broker), a few attributes released, and the
 * upstream's IdP metadata imported at the broker with claim mappings.
 */
async function platformUpstream() {
  const [broker, upstream] = await Promise.all([adminApi(), adminApi()]);
  const http = webClient(sharedRuntime.url);
  const spMetadata = await http.get(`/t/${broker.tenant.slug}/login/federated/saml/metadata`);
  assert.equal(spMetadata.status, 200);
  const imported = await upstream.raw('POST', '/saml-service-providers', spMetadata.body, 'application/samlmetadata+xml');
  assert.equal(imported.status, 201, imported.body);
  const sp = imported.json<{ id: string; encryptAssertion: boolean; requireSignedAuthnRequests: boolean }>();
  assert.deepEqual([sp.encryptAssertion, sp.requireSignedAuthnRequests], [true, true], 'the broker asks for encrypted assertions and signs its requests');
  const released = await upstream.call('PUT', `/saml-service-providers/${sp.id}`, { ...sp, attributes: [{ name: 'mail', source: 'email' }, { name: 'givenName', source: 'givenName' }, { name: 'sn', source: 'familyName' }, { name: 'dept', source: 'attributes.department' }] }, { 'if-match': String(imported.headers.etag) });
  assert.equal(released.status, 200, released.body);
  const person = { email: `Carol-${upstream.tenant.slug}@Example.com`, password: 'an upstream passphrase 42' };
  assert.equal((await upstream.call('POST', '/users', { emails: [{ value: person.email, verified: true }], name: { givenName: 'Carol', familyName: 'Upstream' }, attributes: { department: '20' }, password: person.password })).status, 201);
  const created = await broker.call('POST', '/identity-providers', {
    name: 'Upstream SAML', kind: 'saml', metadata: (await http.get(`/t/${upstream.tenant.slug}/saml2/metadata`)).body,
    claimMappings: [
      { target: 'email', value: { lower: { claim: 'mail' } } },
      { target: 'email_verified', value: { const: true } },
      { target: 'given_name', value: { claim: 'givenName' } },
      { target: 'family_name', value: { claim: 'sn' } },
      { target: 'attributes.department', value: { map: { claim: 'dept' }, table: { '10': 'Engineering', '20': 'Sales' }, default: { const: 'Other' } } },
    ],
  });
  assert.equal(created.status, 201, created.body);
  const idp = created.json<{ id: string; entityId: string; ssoUrl: string; signingCertificates: string[] }>();
  await offer(broker, idp.id);
  return { broker, upstream, idp, person };
}

describe('federation to an upstream SAML 2.0 identity provider', () => {
  test('another tenant of the platform as the IdP: signed AuthnRequest, encrypted and signed assertion, mapped claims, JIT user, link reused', async () => {
    const f = await platformUpstream();
    assert.equal(f.idp.entityId, f.upstream.tenant.issuer);
    assert.equal(f.idp.ssoUrl, `${f.upstream.tenant.issuer}/saml2/sso`);
    const browser = webClient(sharedRuntime.url);
    const toUpstream = await browser.get(providerLink(await browser.get(`/t/${f.broker.tenant.slug}/login`), 'Upstream SAML'));
    assert.equal(toUpstream.status, 303);
    const sso = new URL(String(toUpstream.headers.location));
    assert.ok(sso.searchParams.get('Signature') && sso.searchParams.get('SigAlg') === 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'the AuthnRequest is signed');
    const request = decodeRedirected(sso);
    assert.match(request, /AssertionConsumerServiceURL="[^"]+\/login\/federated\/saml\/acs"/);
    const { res, posted } = await browse(browser, await browser.get(`${sso.pathname}${sso.search}`), f.person);
    assert.equal(res.status, 200, res.body.slice(0, 300));
    assert.match(res.body, /You are signed in/);
    const response = decodePosted(posted.find((p) => p.action.endsWith('/login/federated/saml/acs'))!.fields.SAMLResponse!);
    assert.match(response, /EncryptedAssertion/);
    assert.doesNotMatch(response, /Carol/, 'nothing of the person in the clear');

    const user = (await brokerUsers(f.broker)).find((u) => u.emails[0]?.value === f.person.email.toLowerCase());
    assert.ok(user, 'a user made from the mapped claims');
    assert.deepEqual([user.emails[0]!.verified, user.name.givenName, user.name.familyName, user.attributes.department], [true, 'Carol', 'Upstream', 'Sales']);
    const session = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed']);

    const again = await signInThroughProvider(f.broker.tenant.slug, 'Upstream SAML', f.person);
    assert.match(again.res.body, /You are signed in/);
    assert.equal((await brokerUsers(f.broker)).length, 2, 'the administrator and the one linked user');
  });

  test('an OIDC application at the broker signs its user in through the upstream SAML IdP (protocol bridging)', async () => {
    const f = await platformUpstream();
    const { registerClient } = await import('../../support/oidc-flows.ts');
    const client = await registerClient(f.broker.tenant, { client_name: 'Bridged app', redirect_uris: ['http://127.0.0.1:9/callback'], post_logout_redirect_uris: ['http://127.0.0.1:9/signed-out'], first_party: true, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
    // The application's flow trusts the SAML IdP and adds claims of its own dialect, from the attributes the inbound mapping made.
    const flow = await f.broker.call('PUT', `/flows/${client.client_id}`, {
      steps: [{ options: ['password', `federated:${f.idp.id}`] }],
      claims: [{ target: 'department', value: { claim: 'attributes.department' } }, { target: 'org_unit', value: { lower: { concat: [{ const: 'OU-' }, { claim: 'attributes.department' }] } } }],
    });
    assert.equal(flow.status, 200, flow.body);
    const oidc = await import('openid-client');
    const config = await oidc.discovery(new URL(f.broker.tenant.issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorize = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/callback', scope: 'openid email profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const browser = webClient(sharedRuntime.url);
    const login = await browse(browser, await browser.get(`${authorize.pathname}${authorize.search}`));
    const link = providerLink(login.res, 'Upstream SAML');
    assert.match(link, /tx=/, 'the provider link carries the application\'s transaction');
    const back = await browse(browser, await browser.get(link), f.person);
    assert.ok(back.leftTo, `back at the application: ${back.res.status} ${back.res.body.slice(0, 300)}`);
    const tokens = await oidc.authorizationCodeGrant(config, back.leftTo, { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    assert.deepEqual([claims.email, claims.email_verified, claims.given_name, claims.amr], [f.person.email.toLowerCase(), true, 'Carol', ['fed']]);
    assert.deepEqual([claims.department, claims.org_unit], ['Sales', 'ou-sales'], 'the flow\'s own claims in the ID token');
    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.deepEqual([userInfo.department, userInfo.org_unit, userInfo.sub], ['Sales', 'ou-sales', claims.sub], 'and from UserInfo');
    // The application's logout goes through the broker to the upstream IdP's Single Logout, and back to the application.
    const signedInUpstream = async () => /You are signed in/.test((await browser.get(`/t/${f.upstream.tenant.slug}/login`)).body);
    assert.ok(await signedInUpstream());
    const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out', state: 'after' });
    const out = await browse(browser, await browser.get(`${end.pathname}${end.search}`));
    assert.equal(out.leftTo?.href, 'http://127.0.0.1:9/signed-out?state=after', `${out.res.status} ${out.res.body.slice(0, 200)}`);
    assert.equal(await signedInUpstream(), false, 'the upstream IdP ended its session');
    assert.deepEqual((await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.logout').map((e) => [e.details.direction, e.details.protocol]), [['to_upstream', 'saml_slo']]);

    const reserved = await f.broker.call('PUT', `/flows/${client.client_id}`, { steps: [{ options: ['password'] }], claims: [{ target: 'sub', value: { const: 'someone-else' } }] });
    assert.equal(reserved.status, 400, 'a mapping cannot replace the subject');
  });
});

/**
 * A samlify IdP in this process as the upstream: its responses are made here, so each hostile
 * shape can be sent to the broker's ACS for a real sign-in ceremony.
 */
async function samlifyUpstream() {
  const broker = await adminApi();
  const keys = await spCredentials('Test IdP');
  const entityId = `https://idp-${randomBytes(4).toString('hex')}.example/saml`;
  const settings = { entityID: entityId, privateKey: keys.privateKeyPem, signingCert: keys.certificatePem, wantAuthnRequestsSigned: true, nameIDFormat: [persistent], singleSignOnService: [{ Binding: redirectBinding, Location: 'https://idp.example/sso' }] };
  const idp = samlify.IdentityProvider(settings);
  const created = await broker.call('POST', '/identity-providers', { name: 'Test IdP', kind: 'saml', metadata: idp.getMetadata(), provisioning: 'create' });
  assert.equal(created.status, 201, created.body);
  const idpId = created.json<{ id: string }>().id;
  await offer(broker, idpId);
  const sp = samlify.ServiceProvider({ metadata: (await webClient(sharedRuntime.url).get(`/t/${broker.tenant.slug}/login/federated/saml/metadata`)).body });
  const impostorKeys = await spCredentials('Impostor');
  const impostor = samlify.IdentityProvider({ ...settings, privateKey: impostorKeys.privateKeyPem, signingCert: impostorKeys.certificatePem });
  const acs = `${sharedRuntime.url}/t/${broker.tenant.slug}/login/federated/saml/acs`;

  /** A sign-in started at the broker: the browser holds the binding cookie; the AuthnRequest's ID and the RelayState come back. */
  async function ceremony(browser: WebClient = webClient(sharedRuntime.url)) {
    const toIdp = await browser.get(`/t/${broker.tenant.slug}/login/federated/${idpId}`);
    assert.equal(toIdp.status, 303, toIdp.body);
    const location = new URL(String(toIdp.headers.location));
    assert.equal(location.origin + location.pathname, 'https://idp.example/sso');
    const requestId = /ID="([^"]+)"/.exec(decodeRedirected(location))![1]!;
    return { browser, requestId, relayState: location.searchParams.get('RelayState')! };
  }

  /** A Response as samlify makes it (assertion signed, as the broker's metadata asks), with any field overridden. */
  async function response(requestId: string, overrides: Record<string, string | undefined> = {}, options: { signer?: typeof idp; nameId?: string } = {}) {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000).toISOString();
    const values: Record<string, string | undefined> = {
      ID: `_r${randomBytes(8).toString('hex')}`, AssertionID: `_a${randomBytes(8).toString('hex')}`, Destination: acs, Audience: sp.entityMeta.getEntityID(), SubjectRecipient: acs,
      Issuer: entityId, IssueInstant: now.toISOString(), StatusCode: statusSuccess, ConditionsNotBefore: now.toISOString(), ConditionsNotOnOrAfter: later, SubjectConfirmationDataNotOnOrAfter: later,
      NameIDFormat: persistent, NameID: options.nameId ?? 'ext-7781', InResponseTo: requestId, ...overrides,
    };
    const statements = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>dora-${broker.tenant.slug}@example.com</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`;
    const made = await (options.signer ?? idp).createLoginResponse(sp, { extract: { request: { id: requestId } } }, 'post', {}, (template: string) => ({
      id: values.ID!,
      context: samlify.SamlLib.replaceTagsByValue(template.replace('{AuthnStatement}{AttributeStatement}', statements), values),
    }));
    return decodePosted(made.context);
  }

  const post = (browser: WebClient, xml: string, relayState: string, path = `/t/${broker.tenant.slug}/login/federated/saml/acs`) =>
    browser.postForm(path, { SAMLResponse: Buffer.from(xml).toString('base64'), RelayState: relayState });

  return { broker, idpId, ceremony, response, post, impostor, entityId };
}

describe('a hostile upstream SAML identity provider', () => {
  test('the genuine response signs in; each tampered, misdirected, stale or replayed one is refused with an audit event', async () => {
    const u = await samlifyUpstream();
    const first = await u.ceremony();
    const genuine = await u.response(first.requestId, { AssertionID: '_fixed-assertion-id' });
    const ok = await u.post(first.browser, genuine, first.relayState);
    assert.equal(ok.status, 200, ok.body.slice(0, 400));
    assert.match(ok.body, /You are signed in/);
    assert.equal((await failureReasons(u.broker.tenant.slug)).length, 0);

    const signedAssertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(genuine)![0];
    const evilAssertion = signedAssertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('ext-7781', 'the-administrator').replace(/ID="[^"]+"/, 'ID="_evil"');
    const cases: Array<[string, (c: { requestId: string }) => Promise<string>, RegExp]> = [
      ['signed by a key the metadata does not list', (c) => u.response(c.requestId, {}, { signer: u.impostor }), /signature could not be verified/],
      ['for another service provider', (c) => u.response(c.requestId, { Audience: 'https://other-sp.example/saml' }), /another audience/],
      ['confirmed for another ACS', (c) => u.response(c.requestId, { SubjectRecipient: 'https://other-sp.example/acs' }), /another recipient/],
      ['answering another request', () => u.response('_some-other-request'), /another request \(InResponseTo\)/],
      ['expired', (c) => u.response(c.requestId, { ConditionsNotBefore: new Date(Date.now() - 3_600_000).toISOString(), ConditionsNotOnOrAfter: new Date(Date.now() - 1_800_000).toISOString(), SubjectConfirmationDataNotOnOrAfter: new Date(Date.now() - 1_800_000).toISOString() }), /expired/],
      ['replayed (the first assertion\'s ID again, for a new request)', (c) => u.response(c.requestId, { AssertionID: '_fixed-assertion-id' }), /replay/],
      ['unsigned', async (c) => (await u.response(c.requestId)).replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''), /neither the Response nor its assertion is signed/],
      ['its NameID changed after signing', async (c) => (await u.response(c.requestId)).replace('ext-7781', 'the-administrator'), /signature could not be verified/],
      ['wrapped: an unsigned assertion beside the signed one', async (c) => (await u.response(c.requestId)).replace('<saml:Assertion', `${evilAssertion}<saml:Assertion`), /exactly one assertion/],
      ['wrapped: the signed assertion hidden inside the unsigned one', async (c) => {
        const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(await u.response(c.requestId))![0];
        return (await u.response(c.requestId)).replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, evilAssertion.replace('</saml:Subject>', `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"><saml:SubjectConfirmationData>${signed}</saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>`));
      }, /somewhere other than in the Response|not signed/],
      ['a comment splitting the NameID', async (c) => (await u.response(c.requestId, {}, { nameId: 'ext-7781.evil' })).replace('ext-7781.evil', 'ext-7781<!---->.evil'), /comments are not allowed/],
      ['with a DOCTYPE', async (c) => `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${await u.response(c.requestId)}`, /DOCTYPE/],
      ['a refusal from the IdP', async (c) => (await u.response(c.requestId)).replace(statusSuccess, 'urn:oasis:names:tc:SAML:2.0:status:Responder'), /the identity provider answered/],
      ['not XML', async () => 'x'.repeat(500), /malformed XML|neither XML/],
    ];
    for (const [name, make, reason] of cases) {
      const c = await u.ceremony();
      const res = await u.post(c.browser, await make(c), c.relayState);
      assert.equal(res.status, 401, `${name}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, /Signing in with Test IdP did not work/, name);
      assert.doesNotMatch(res.body, /stack|Error:|<script>alert/i, name);
      assert.match((await failureReasons(u.broker.tenant.slug)).at(-1)!, reason, name);
    }
    assert.equal((await brokerUsers(u.broker)).length, 2, 'only the genuine sign-in made a user');
  });

  test('the answer must come to the browser that asked, once, at the tenant that asked', async () => {
    const u = await samlifyUpstream();
    const c = await u.ceremony();
    const genuine = await u.response(c.requestId);
    const elsewhere = await u.post(webClient(sharedRuntime.url), genuine, c.relayState);
    assert.equal(elsewhere.status, 401, 'another browser (login CSRF)');
    assert.equal((await failureReasons(u.broker.tenant.slug)).at(-1), 'another_browser');
    const spent = await u.post(c.browser, genuine, c.relayState);
    assert.equal(spent.status, 401, 'the ceremony was spent by the first answer');

    const d = await u.ceremony();
    const other = await adminApi();
    const crossTenant = await u.post(d.browser, await u.response(d.requestId), d.relayState, `/t/${other.tenant.slug}/login/federated/saml/acs`);
    assert.equal(crossTenant.status, 401, 'another tenant\'s ACS knows nothing of this ceremony');
    assert.equal((await failureReasons(other.tenant.slug)).at(-1), 'unknown_state');
    const mine = await u.post(d.browser, await u.response(d.requestId), d.relayState);
    assert.match(mine.body, /You are signed in/, 'the ceremony was not spent by the other tenant');

    const acs = `/t/${u.broker.tenant.slug}/login/federated/saml/acs`;
    for (const [fields, why] of [[{ RelayState: d.relayState }, 'no SAMLResponse'], [{ SAMLResponse: 'PHg+', RelayState: 'not-a-ceremony' }, 'unknown RelayState'], [{ SAMLResponse: '%%% not base64', RelayState: (await u.ceremony(d.browser)).relayState }, 'garbled'], [{ SAMLResponse: 'A'.repeat(60_000), RelayState: (await u.ceremony(d.browser)).relayState }, 'too large once decoded']] as const) {
      const res = await d.browser.postForm(acs, fields);
      assert.equal(res.status, 401, why);
    }
    assert.deepEqual((await failureReasons(u.broker.tenant.slug)).slice(-4).map((r) => r.split(':')[0]), ['unknown_state', 'unknown_state', 'saml_response_refused', 'saml_response_refused']);
    const huge = await d.browser.postForm(acs, { SAMLResponse: 'A'.repeat(2_000_000), RelayState: 'x' });
    assert.equal(huge.status, 413, 'a body over the platform limit is refused before any handler');
  });

  test('metadata import refuses what is not usable IdP metadata, with the reason', async () => {
    const broker = await adminApi();
    const idp = samlify.IdentityProvider({ entityID: 'https://idp.example/saml', signingCert: (await spCredentials('x')).certificatePem, singleSignOnService: [{ Binding: redirectBinding, Location: 'https://idp.example/sso' }] });
    const good = idp.getMetadata();
    const cases: Array<[string, string, RegExp]> = [
      ['SP metadata', good.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), /no IDPSSODescriptor/],
      ['no certificate', good.replace(/<KeyDescriptor[\s\S]*<\/KeyDescriptor>/, ''), /no signing certificate/],
      ['no SSO endpoint', good.replace(/<SingleSignOnService[^>]*>(<\/SingleSignOnService>)?/g, ''), /no SingleSignOnService/],
      ['an http SSO endpoint', good.replace('https://idp.example/sso', 'http://idp.example/sso'), /metadata\.ssoUrl/],
      ['an entity declaration', `<!DOCTYPE x [<!ENTITY e "e">]>${good}`, /DOCTYPE/],
    ];
    for (const [name, metadata, reason] of cases) {
      const res = await broker.call('POST', '/identity-providers', { name: 'X', kind: 'saml', metadata });
      assert.equal(res.status, 400, name);
      assert.match(res.body, reason, name);
    }
    const unsafe = await broker.call('POST', '/identity-providers', { name: 'X', kind: 'saml', metadata: good, claimMappings: [{ target: 'email', value: { replace: { claim: 'mail' }, pattern: '(a)\\1', with: '' } }] });
    assert.equal(unsafe.status, 400);
    const wrongTarget = await broker.call('POST', '/identity-providers', { name: 'X', kind: 'saml', metadata: good, claimMappings: [{ target: 'status', value: { const: 'active' } }] });
    assert.equal(wrongTarget.status, 400, 'a mapping cannot set the account status');
    const made = await broker.call('POST', '/identity-providers', { name: 'X', kind: 'saml', metadata: good });
    assert.equal(made.status, 201, made.body);
    const kindChange = await broker.call('PUT', `/identity-providers/${made.json<{ id: string }>().id}`, { name: 'X', kind: 'oidc', issuer: 'https://idp.example', clientId: 'c' }, { 'if-match': String(made.headers.etag) });
    assert.equal(kindChange.status, 400);
  });
});
