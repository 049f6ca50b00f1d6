import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { adminApi } from '../support/admin-api.ts';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { decodePosted, followToSp, idpCertificate, registerServiceProvider, spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient, type WebClient } from '../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const acs = 'http://127.0.0.1:9/consent-sp/acs';
const givenNameOid = 'urn:oid:2.5.4.42';

/** A node-saml SP whose flow needs two purposes: its users' names (required) and a newsletter (optional, the email). */
async function setUp() {
  const api = await adminApi();
  const { tenant } = api;
  const credentials = await spCredentials('consent-sp');
  const entityId = `https://consent-sp.example/${tenant.slug}`;
  const sp = await registerServiceProvider(api, {
    entityId, name: 'Expenses',
    assertionConsumerServices: [{ url: acs, index: 0, isDefault: true }],
    signingCertificates: [credentials.certificatePem],
    attributes: [
      { name: 'email', source: 'email' },
      { name: givenNameOid, source: 'givenName', nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri', friendlyName: 'givenName' },
      { name: 'groups', source: 'groups' },
    ],
  });
  const names = (await api.call('POST', '/consent-purposes', { name: 'Your expense claims', description: 'Your name on the claims you file.', claims: ['given_name', 'family_name'], legalBasis: 'contract', mandatory: true })).json<{ id: string }>();
  const newsletter = (await api.call('POST', '/consent-purposes', { name: 'Expense tips', description: 'A monthly email with tips.', claims: ['email'], legalBasis: 'consent' })).json<{ id: string }>();
  const flow = await api.call('PUT', `/flows/${sp.id}`, { steps: [{ options: ['password'] }], consent: { purposes: [names.id, newsletter.id] } });
  assert.equal(flow.status, 200, flow.body);
  const adminId = (await api.call('GET', '/users')).json<{ items: Array<{ id: string; version: number }> }>().items[0]!;
  assert.equal((await api.call('PATCH', `/users/${adminId.id}`, { name: { givenName: 'Grace', familyName: 'Hopper' } }, { 'if-match': `"v${adminId.version}"` })).status, 200);
  const browser = webClient(sharedRuntime.url);
  const saml = new SAML({
    entryPoint: `${sharedRuntime.url}/t/${tenant.slug}/saml2/sso`, issuer: entityId, callbackUrl: acs, idpCert: await idpCertificate(browser, tenant.slug),
    privateKey: credentials.privateKeyPem, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256', validateInResponseTo: ValidateInResponseTo.always,
    wantAssertionsSigned: true, wantAuthnResponseSigned: true, audience: entityId,
  });
  return { api, sp, saml, browser, newsletter, user: { email: tenant.adminEmail, password: tenant.adminPassword } };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** One SSO from node-saml; the consent page, if it comes, answered with these ticks (or a denial). Answers what the SP got, and whether it was asked. */
async function sso(setup: Setup, browser: WebClient, answer: { tick?: string[]; deny?: boolean } = {}) {
  const url = new URL(await setup.saml.getAuthorizeUrlAsync('', undefined, {}));
  let form = await followToSp(browser, () => browser.get(`${url.pathname}${url.search}`), setup.user);
  let consentPage: string | undefined;
  if (form.action.endsWith('/saml2/consent')) {
    consentPage = (await browser.get(`/t/${setup.api.tenant.slug}/saml2/consent?tx=${form.fields.tx}`)).body;
    const fields: Record<string, string> = { ...form.fields, decision: answer.deny ? 'deny' : 'allow' };
    for (const id of answer.tick ?? []) fields[`purpose_${id}`] = 'accept';
    form = await followToSp(browser, () => browser.postForm(`/t/${setup.api.tenant.slug}/saml2/consent`, fields));
  }
  assert.equal(form.action, acs);
  return { form, consentPage };
}

describe('consent before SAML assertions (node-saml as the SP)', () => {
  test('the consent page comes first; a declined purpose keeps its attribute out of the assertion; withdrawal asks again', async () => {
    const setup = await setUp();
    const first = await sso(setup, setup.browser);
    assert.ok(first.consentPage, 'asked before the first assertion');
    assert.match(first.consentPage, /Allow Expenses to receive your/);
    assert.match(first.consentPage, /Expense tips<\/strong>/);
    const { profile } = await setup.saml.validatePostResponseAsync(first.form.fields);
    assert.equal(profile!.email, undefined, 'the optional purpose was not ticked: no email attribute');
    assert.equal(profile![givenNameOid], 'Grace', 'the required purpose releases the name');
    assert.equal(profile!.groups, 'administrators', 'an attribute no purpose covers is released by the mapping');

    const second = await sso(setup, setup.browser);
    assert.equal(second.consentPage, undefined, 'not asked again');
    assert.equal((await setup.saml.validatePostResponseAsync(second.form.fields)).profile!.email, undefined);

    const withdrawn = await setup.browser.send('DELETE', `/t/${setup.api.tenant.slug}/account/api/consents/${setup.sp.id}`, undefined, { origin: new URL(sharedRuntime.url).origin, accept: 'application/json' });
    assert.equal(withdrawn.status, 204);
    const third = await sso(setup, setup.browser, { tick: [setup.newsletter.id] });
    assert.ok(third.consentPage, 'asked again after the withdrawal');
    assert.equal((await setup.saml.validatePostResponseAsync(third.form.fields)).profile!.email, setup.api.tenant.adminEmail);

    const consents = (await setup.api.call('GET', `/users/${(await setup.api.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id}/consents`)).json<{ receipts: Array<{ application: string; jwt: string }> }>();
    assert.equal(consents.receipts.filter((r) => r.application === setup.sp.id).length, 2, 'a receipt per decision');
    const services = JSON.parse(Buffer.from(consents.receipts.at(-1)!.jwt.split('.')[1]!, 'base64url').toString()).services as Array<{ service: string; purposes: Array<{ purpose: string }> }>;
    assert.equal(services[0]!.service, 'Expenses');
    assert.deepEqual(services[0]!.purposes.map((p) => p.purpose), ['Sign in to Expenses', 'Your expense claims', 'Expense tips']);
  });

  test('denying answers the SP with a signed RequestDenied; the consent form needs its CSRF token and the user\'s own session', async () => {
    const setup = await setUp();
    const denied = await sso(setup, setup.browser, { deny: true });
    assert.match(decodePosted(denied.form.fields.SAMLResponse!), /status:RequestDenied/);
    await assert.rejects(setup.saml.validatePostResponseAsync(denied.form.fields));
    assert.ok((await auditEventsOf(setup.api.tenant.slug)).some((e) => e.type === 'consent.denied' && e.details.clientId === setup.sp.id));

    const url = new URL(await setup.saml.getAuthorizeUrlAsync('', undefined, {}));
    const form = await followToSp(setup.browser, () => setup.browser.get(`${url.pathname}${url.search}`), setup.user);
    assert.ok(form.action.endsWith('/saml2/consent'));
    assert.equal((await setup.browser.postForm(`/t/${setup.api.tenant.slug}/saml2/consent`, { tx: form.fields.tx!, decision: 'allow' }, { accept: 'text/html' })).status, 403, 'no CSRF token');
    const stranger = webClient(sharedRuntime.url);
    await stranger.get(`/t/${setup.api.tenant.slug}/login`);
    assert.equal((await stranger.postForm(`/t/${setup.api.tenant.slug}/saml2/consent`, { ...form.fields, decision: 'allow' }, { accept: 'text/html' })).status, 403, 'another browser cannot consent for the user');
    assert.equal((await stranger.get(`/t/${setup.api.tenant.slug}/saml2/consent?tx=${form.fields.tx}`, { accept: 'text/html' })).status, 401, 'nor see the page without a session');
  });
});
