import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { browse, oidcUpstream, providerLink } from '../support/federation.ts';
import { autoPostForm, decodePosted, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient } from '../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const acs = 'http://127.0.0.1:9/bridged/acs';

describe('protocol bridging through the broker', () => {
  test('a SAML SP (node-saml) signs its user in through an upstream OpenID Provider; the flow turns OIDC claims into the SP\'s attributes', async () => {
    const f = await oidcUpstream();
    const credentials = await spCredentials('bridged-sp');
    const entityId = `https://bridged.example/${f.broker.tenant.slug}`;
    const sp = await registerServiceProvider(f.broker, {
      entityId, assertionConsumerServices: [{ url: acs, index: 0, isDefault: true }], signingCertificates: [credentials.certificatePem], requireSignedAuthnRequests: true,
      singleLogoutService: { url: 'http://127.0.0.1:9/bridged/slo' },
      attributes: [{ name: 'mail', source: 'email' }],
    });
    // This SP trusts only the upstream provider, and wants a displayName and an uppercase given name under its OID.
    const flow = await f.broker.call('PUT', `/flows/${sp.id}`, {
      steps: [{ options: [`federated:${f.idp.id}`] }],
      claims: [
        { target: 'displayName', value: { concat: [{ claim: 'given_name' }, { claim: 'family_name' }], separator: ' ' }, nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified' },
        { target: 'urn:oid:2.5.4.42', value: { upper: { claim: 'given_name' } } },
        { target: 'mail', value: { lower: { claim: 'email' } } },
      ],
    });
    assert.equal(flow.status, 200, flow.body);
    const saml = new SAML({
      entryPoint: `${sharedRuntime.url}/t/${f.broker.tenant.slug}/saml2/sso`, issuer: entityId, callbackUrl: acs, idpCert: await idpCertificate(webClient(sharedRuntime.url), f.broker.tenant.slug),
      privateKey: credentials.privateKeyPem, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256', validateInResponseTo: ValidateInResponseTo.always,
      wantAssertionsSigned: true, wantAuthnResponseSigned: true, audience: entityId, identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      logoutUrl: `${sharedRuntime.url}/t/${f.broker.tenant.slug}/saml2/slo`,
      // node-saml asks for exactly PasswordProtectedTransport by default; the broker cannot vouch for how the upstream authenticated, so it asserts `unspecified`.
      disableRequestedAuthnContext: true,
    });
    const browser = webClient(sharedRuntime.url);
    const url = new URL(await saml.getAuthorizeUrlAsync('bridge-relay', undefined, {}));
    const login = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
    assert.doesNotMatch(login.res.body, /name="password"/, 'this SP\'s flow has no password option');
    const back = await browse(browser, await browser.get(providerLink(login.res, 'Upstream Corp')), f.person);
    const form = autoPostForm(back.res);
    assert.equal(form.action, acs);
    const { profile } = await saml.validatePostResponseAsync(form.fields);
    assert.ok(profile);
    assert.deepEqual([profile.displayName, profile['urn:oid:2.5.4.42'], profile.mail], ['Bob Upstream', 'BOB', f.person.email.toLowerCase()]);
    assert.match(decodePosted(form.fields.SAMLResponse!), /Name="urn:oid:2\.5\.4\.42" NameFormat="urn:oasis:names:tc:SAML:2\.0:attrname-format:uri"/);
    assert.match(decodePosted(form.fields.SAMLResponse!), /Name="displayName" NameFormat="urn:oasis:names:tc:SAML:2\.0:attrname-format:unspecified"/, 'the NameFormat the mapping names');
    assert.equal(form.fields.RelayState, 'bridge-relay');
    assert.match(decodePosted(form.fields.SAMLResponse!), /<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2\.0:ac:classes:unspecified</);
    const session = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed']);

    // The SP's Single Logout goes through the broker to the upstream's logout, and its LogoutResponse comes at the end.
    const signedInUpstream = async () => /You are signed in/.test((await browser.get(`/t/${f.upstream.tenant.slug}/login`)).body);
    assert.ok(await signedInUpstream());
    const logout = new URL(await saml.getLogoutUrlAsync(profile, 'bye', {}));
    const { res: confirm } = await browse(browser, await browser.get(`${logout.pathname}${logout.search}`));
    assert.match(confirm.body, /Sign out\?/, 'the upstream asks its user to confirm');
    const fields = Object.fromEntries([...confirm.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const { res: page } = await browse(browser, await browser.postForm(`/t/${f.upstream.tenant.slug}/oauth2/logout`, fields));
    const finish = /data-finish="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(finish, `the broker's logout page: ${page.body.slice(0, 300)}`);
    const done = await browser.get(finish);
    const toSp = new URL(String(done.headers.location));
    assert.equal(`${toSp.origin}${toSp.pathname}`, 'http://127.0.0.1:9/bridged/slo');
    const validated = await saml.validateRedirectAsync(Object.fromEntries(toSp.searchParams), toSp.search.slice(1));
    assert.equal(validated.loggedOut, true, 'node-saml accepts the broker\'s LogoutResponse');
    assert.equal(await signedInUpstream(), false, 'the upstream session has ended too');
    // The upstream, signing its user out, also tells the broker by back channel: nothing is left to end here by then.
    assert.deepEqual((await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.logout').map((e) => [e.details.direction, e.details.protocol, e.details.sessions]), [['to_upstream', 'oidc_rp_initiated', undefined], ['from_upstream', 'oidc_backchannel', 0]]);
  });
});
