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
      attributes: [{ name: 'mail', source: 'email' }],
    });
    // This SP trusts only the upstream provider, and wants a displayName and an uppercase given name under its OID.
    const flow = await f.broker.call('PUT', `/flows/${sp.id}`, {
      steps: [{ options: [`federated:${f.idp.id}`] }],
      claims: [
        { target: 'displayName', value: { concat: [{ claim: 'given_name' }, { claim: 'family_name' }], separator: ' ' } },
        { target: 'urn:oid:2.5.4.42', value: { upper: { claim: 'given_name' } } },
        { target: 'mail', value: { lower: { claim: 'email' } } },
      ],
    });
    assert.equal(flow.status, 200, flow.body);
    const saml = new SAML({
      entryPoint: `${sharedRuntime.url}/t/${f.broker.tenant.slug}/saml2/sso`, issuer: entityId, callbackUrl: acs, idpCert: await idpCertificate(webClient(sharedRuntime.url), f.broker.tenant.slug),
      privateKey: credentials.privateKeyPem, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256', validateInResponseTo: ValidateInResponseTo.always,
      wantAssertionsSigned: true, wantAuthnResponseSigned: true, audience: entityId, identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
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
    assert.equal(form.fields.RelayState, 'bridge-relay');
    assert.match(decodePosted(form.fields.SAMLResponse!), /<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2\.0:ac:classes:unspecified</);
    const session = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed']);
  });
});
