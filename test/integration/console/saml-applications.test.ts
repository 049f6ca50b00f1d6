import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, intoConsole } from '../../support/console.ts';
import { followToSp, idpCertificate, spCredentials } from '../../support/saml.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const acs = 'http://127.0.0.1:9/console-sp/acs';
const text = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('the console: a SAML service provider from its pasted metadata', () => {
  test('node-saml\'s own metadata pasted in registers it; the page\'s settings (metadata URL, entry point, issuer) are what node-saml needs to sign someone in', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const credentials = await spCredentials('console-sp');
    const entityId = `https://wiki.example/${api.tenant.slug}`;
    const options = { issuer: entityId, callbackUrl: acs, idpCert: 'placeholder', privateKey: credentials.privateKeyPem, signatureAlgorithm: 'sha256' as const };
    const metadata = new SAML(options).generateServiceProviderMetadata(null, credentials.certificatePem);

    const { post } = await consoleScreen(browser, api, '/applications');
    const registered = await post('/applications/saml', { name: 'Team wiki', metadata });
    assert.equal(registered.status, 200);
    assert.match(registered.body, /role="status" id="console-notice">Team wiki was registered/);
    const metadataUrl = text(registered.body, 'idp-metadata-url')!;
    assert.equal(metadataUrl, `${sharedRuntime.url}/t/${api.tenant.slug}/saml2/metadata`);
    assert.equal(text(registered.body, 'sp-acs'), acs);
    const snippet = text(registered.body, 'saml-snippet')!;
    const setting = (name: string) => new RegExp(`${name}: "([^"]+)"`).exec(snippet)?.[1];
    assert.deepEqual([setting('entryPoint'), setting('idpIssuer'), setting('issuer'), setting('callbackUrl')], [`${api.tenant.issuer}/saml2/sso`, api.tenant.issuer, entityId, acs]);

    const stored = (await api.call('GET', '/saml-service-providers')).json<{ items: Array<{ name: string; entityId: string; requireSignedAuthnRequests: boolean; signingCertificates: string[] }> }>().items;
    assert.deepEqual(stored.map((sp) => [sp.name, sp.entityId, sp.requireSignedAuthnRequests, sp.signingCertificates.length]), [['Team wiki', entityId, true, 1]]);
    assert.match((await browser.get(`/t/${api.tenant.slug}/console/applications`)).body, new RegExp(`<td><a href="/t/${api.tenant.slug}/console/service-providers/[^"]+">Team wiki</a></td><td><code>${entityId.replace(/[./]/g, '\\$&')}</code></td><td>SAML service provider</td>`));
    const created = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'saml.sp_created');
    assert.deepEqual(created.map((e) => e.actor.kind), ['user'], 'audited with the administrator as the actor');

    // The service provider set up as the page says signs the administrator in.
    const sp = new SAML({ ...options, entryPoint: setting('entryPoint')!, idpIssuer: setting('idpIssuer')!, idpCert: await idpCertificate(webClient(sharedRuntime.url), api.tenant.slug), wantAssertionsSigned: true, audience: entityId, validateInResponseTo: ValidateInResponseTo.never });
    const url = new URL(await sp.getAuthorizeUrlAsync('', undefined, {}));
    const user = webClient(sharedRuntime.url);
    const form = await followToSp(user, () => user.get(`${url.pathname}${url.search}`), { email: api.tenant.adminEmail, password: api.tenant.adminPassword });
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    assert.ok(profile?.nameID);
  });

  test('hostile: no CSRF token, garbage, a DOCTYPE, an IdP\'s metadata, too long, the same entity ID twice — each refused with its reason and the draft kept; another tenant sees none of it', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const credentials = await spCredentials('console-sp');
    const metadata = new SAML({ issuer: 'https://dup.example/sp', callbackUrl: acs, idpCert: 'x' }).generateServiceProviderMetadata(null, credentials.certificatePem);
    const { post } = await consoleScreen(browser, api, '/applications');
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/applications/saml`, { metadata })).status, 403, 'no CSRF token');

    const refusals: Array<[string, string, RegExp]> = [
      ['garbage', 'not xml at all <<<', /metadata was refused/],
      ['a DOCTYPE with an entity', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${metadata.replace(/^<\?xml[^>]*\?>/, '')}`, /metadata was refused/],
      ['an IdP\'s metadata', (await browser.get(`/t/${api.tenant.slug}/saml2/metadata`)).body, /SPSSODescriptor/],
      ['nothing', '   ', /Paste the service provider/],
      ['too long', `${metadata}${' '.repeat(200_001)}x`, /too long/],
    ];
    for (const [what, xml, reason] of refusals) {
      const res = await post('/applications/saml', { name: 'Bad', metadata: xml });
      assert.equal(res.status, 200, what);
      assert.match(res.body, /role="alert" id="console-notice">/, what);
      assert.match(res.body, reason, what);
      assert.doesNotMatch(res.body, /root:|<!ENTITY e SYSTEM "file[^<]*<\/textarea>/, `${what}: no entity expanded, the draft shown escaped`);
    }
    assert.equal((await post('/applications/saml', { name: 'First', metadata })).status, 200);
    const twice = await post('/applications/saml', { name: 'Second', metadata });
    assert.match(twice.body, /role="alert" id="console-notice">Another service provider of this tenant has this entityID/);
    assert.match(twice.body, /<textarea[^>]*>&lt;\?xml/, 'the pasted metadata is kept, escaped, to fix and send again');
    assert.deepEqual((await api.call('GET', '/saml-service-providers')).json<{ items: Array<{ name: string }> }>().items.map((sp) => sp.name), ['First']);

    const other = await adminApi();
    const { browser: otherBrowser } = await intoConsole(other);
    assert.doesNotMatch((await otherBrowser.get(`/t/${other.tenant.slug}/console/applications`)).body, /dup\.example/, 'tenant B lists none of tenant A\'s service providers');
    assert.equal((await otherBrowser.postForm(`/t/${api.tenant.slug}/console/applications/saml`, { metadata })).status, 303, 'tenant B\'s console session is nothing at tenant A');
  });
});
