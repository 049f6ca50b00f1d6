import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, insecure, registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface Purpose { id: string; version: number }

/** A tenant with two purposes (an account one, mandatory; a newsletter, optional, covering the email) and a third-party client that needs both. */
async function setUp() {
  const api = await adminApi();
  const account = (await api.call('POST', '/consent-purposes', { name: 'Your account', description: 'Running the account you open with Partner.', claims: ['given_name', 'family_name', 'name'], legalBasis: 'contract', mandatory: true })).json<Purpose>();
  const newsletter = (await api.call('POST', '/consent-purposes', { name: 'Newsletter', description: 'Product news by email, about monthly.', claims: ['email', 'email_verified'], legalBasis: 'consent' })).json<Purpose>();
  const client = await registerClient(api.tenant, { first_party: false, client_name: 'Partner', token_endpoint_auth_method: 'client_secret_basic', scope: 'openid profile email offline_access' });
  const published = await api.call('PUT', `/flows/${client.client_id}`, { steps: [{ options: ['password'] }], consent: { purposes: [account.id, newsletter.id] } });
  assert.equal(published.status, 200, published.body);
  const config = await oidc.discovery(new URL(api.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);
  return { api, account, newsletter, client, config };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** An authorization with PKCE through the hosted pages; stops at the consent page when there is one, and answers it with these ticks. */
async function authorize(setup: Setup, browser: WebClient, consent: { tick?: string[]; expectPrompt: boolean }) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(setup.config, { redirect_uri: callbackUri, scope: 'openid profile email offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
  let res: WebResponse = await browser.get(`${url.pathname}${url.search}`);
  let consentPage: WebResponse | undefined;
  for (let hops = 0; hops < 8; hops++) {
    if (res.status === 200 && /name="password"/.test(res.body)) {
      res = await browser.postForm(`/t/${setup.api.tenant.slug}/login`, { csrf: csrfTokenOf(res.body), identifier: setup.api.tenant.adminEmail, password: setup.api.tenant.adminPassword, tx: /name="tx" value="([^"]+)"/.exec(res.body)![1]! });
      continue;
    }
    if (res.status === 200 && /oauth2\/consent/.test(res.body)) {
      consentPage = res;
      const fields: Record<string, string> = { csrf: csrfTokenOf(res.body), tx: /name="tx" value="([^"]+)"/.exec(res.body)![1]!, decision: 'allow' };
      for (const id of consent.tick ?? []) fields[`purpose_${id}`] = 'accept';
      res = await browser.postForm(`/t/${setup.api.tenant.slug}/oauth2/consent`, fields);
      continue;
    }
    assert.equal(res.status, 303, res.body.slice(0, 300));
    const location = new URL(String(res.headers.location), sharedRuntime.url);
    if (location.origin !== new URL(sharedRuntime.url).origin) {
      assert.equal(consentPage !== undefined, consent.expectPrompt, 'the consent page was shown as expected');
      const tokens = await oidc.authorizationCodeGrant(setup.config, location, { pkceCodeVerifier: verifier, expectedState: 'st' });
      return { tokens, consentPage };
    }
    res = await browser.get(`${location.pathname}${location.search}`);
  }
  throw new Error('too many redirects');
}

const userIdOf = async (api: AdminApi) => (await api.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
const origin = () => new URL(sharedRuntime.url).origin;

describe('consent purposes at sign-in (OIDC)', () => {
  test('the consent page explains each purpose; a declined optional purpose keeps its claims out of the ID token and UserInfo; a signed receipt records the rest', async () => {
    const setup = await setUp();
    const browser = webClient(sharedRuntime.url);
    const { tokens, consentPage } = await authorize(setup, browser, { expectPrompt: true });
    assert.match(consentPage!.body, /Why Partner uses your data/);
    assert.match(consentPage!.body, /Your account<\/strong> <span class="muted">\(required\)/);
    assert.match(consentPage!.body, new RegExp(`name="purpose_${setup.newsletter.id}" value="accept">`), 'the optional purpose is not ticked in advance');
    assert.match(consentPage!.body, /Used with your consent/);

    const claims = tokens.claims()!;
    assert.equal(claims.email, undefined, 'the newsletter purpose was declined: no email');
    assert.equal(claims.email_verified, undefined);
    assert.ok(claims.preferred_username, 'a claim no purpose covers is released by its scope');
    const userinfo = await oidc.fetchUserInfo(setup.config, tokens.access_token, claims.sub);
    assert.equal(userinfo.email, undefined);
    assert.ok(userinfo.preferred_username);

    const userId = await userIdOf(setup.api);
    const stored = (await setup.api.call('GET', `/users/${userId}/consents`)).json<{ items: Array<{ application: string; withheldClaims: string[]; purposes: Array<{ id: string; accepted: boolean }>; receiptId: string }>; receipts: Array<{ id: string; jwt: string }> }>();
    assert.deepEqual(stored.items[0]!.withheldClaims, ['email', 'email_verified']);
    assert.deepEqual(stored.items[0]!.purposes.map((p) => [p.id, p.accepted]).sort(), [[setup.account.id, true], [setup.newsletter.id, false]].sort());
    const jwks = createRemoteJWKSet(new URL(`${setup.api.tenant.issuer}/oauth2/jwks`));
    const { payload, protectedHeader } = await jwtVerify(stored.receipts[0]!.jwt, jwks, { issuer: setup.api.tenant.issuer, subject: userId });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.version, 'KI-CR-v1.1.0');
    assert.equal(payload.consentReceiptID, stored.items[0]!.receiptId);
    for (const field of ['jurisdiction', 'consentTimestamp', 'collectionMethod', 'piiPrincipalId', 'piiControllers', 'policyUrl', 'services', 'sensitive', 'language']) assert.ok(field in payload, field);
    const services = payload.services as Array<{ service: string; purposes: Array<{ purpose: string; piiCategory: string[]; thirdPartyDisclosure: boolean }> }>;
    assert.equal(services[0]!.service, 'Partner');
    assert.deepEqual(services[0]!.purposes.map((p) => p.purpose), ['Sign in to Partner', 'Your account'], 'the declined purpose is not on the receipt');
    assert.ok(services[0]!.purposes.every((p) => p.thirdPartyDisclosure));

    // The user downloads the same receipt from the account API.
    const mine = await browser.send('GET', `/t/${setup.api.tenant.slug}/account/api/consent-receipts/${stored.receipts[0]!.id}`, undefined, { accept: 'application/json' });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers['content-type'], 'application/jwt');
    assert.equal(mine.body, stored.receipts[0]!.jwt);

    // Asked again only when a purpose changes; ticking it now releases the email.
    assert.equal((await authorize(setup, browser, { expectPrompt: false })).tokens.claims()!.email, undefined);
    assert.equal((await setup.api.call('PUT', `/consent-purposes/${setup.newsletter.id}`, { name: 'Newsletter', description: 'Product news by email, every week now.', claims: ['email', 'email_verified'], legalBasis: 'consent' })).status, 200);
    const changed = await authorize(setup, browser, { expectPrompt: true, tick: [setup.newsletter.id] });
    assert.match(changed.consentPage!.body, /Newsletter<\/strong> <span class="muted">\(new or changed\)/);
    assert.equal(changed.tokens.claims()!.email, setup.api.tenant.adminEmail);
    assert.equal((await oidc.fetchUserInfo(setup.config, changed.tokens.access_token, changed.tokens.claims()!.sub)).email, setup.api.tenant.adminEmail);
    const given = (await auditEventsOf(setup.api.tenant.slug)).filter((e) => e.type === 'consent.given');
    assert.equal(given.length, 2);
    assert.deepEqual(given.map((e) => (e.details.purposesDeclined as string[]).length).sort(), [0, 1]);
  });

  test('withdrawing consent in the account API revokes the refresh tokens, leaves UserInfo with only sub, and the next sign-in asks again', async () => {
    const setup = await setUp();
    const browser = webClient(sharedRuntime.url);
    const { tokens } = await authorize(setup, browser, { expectPrompt: true, tick: [setup.newsletter.id] });
    assert.ok(tokens.refresh_token);
    const listed = (await browser.send('GET', `/t/${setup.api.tenant.slug}/account/api/consents`, undefined, { accept: 'application/json' })).json<{ items: Array<{ application: string; withheldClaims: string[] }> }>();
    assert.deepEqual(listed.items.map((c) => [c.application, c.withheldClaims]), [[setup.client.client_id, []]]);

    assert.equal((await browser.send('DELETE', `/t/${setup.api.tenant.slug}/account/api/consents/${setup.client.client_id}`, undefined, { origin: origin(), accept: 'application/json' })).status, 204);
    await assert.rejects(oidc.refreshTokenGrant(setup.config, tokens.refresh_token!), (error: Error & { error?: string }) => error.error === 'invalid_grant');
    const userinfo = await oidc.fetchUserInfo(setup.config, tokens.access_token, tokens.claims()!.sub).catch((error: Error & { status?: number }) => error);
    // The access token came from the revoked family, so it is refused outright; if it were not, it would carry only sub.
    assert.ok(userinfo instanceof Error || Object.keys(userinfo).join() === 'sub', JSON.stringify(userinfo));
    const again = await authorize(setup, browser, { expectPrompt: true });
    assert.equal(again.tokens.claims()!.email, undefined, 'the newsletter must be ticked again');
    const withdrawn = (await auditEventsOf(setup.api.tenant.slug)).find((e) => e.type === 'consent.withdrawn');
    assert.deepEqual(withdrawn?.details, { application: setup.client.client_id, refreshFamiliesRevoked: 1 });
  });

  test('hostile: another tenant\'s purpose in a flow, another user\'s or tenant\'s receipt, a withdrawal from another site', async () => {
    const setup = await setUp();
    const other = await adminApi();
    const theirs = (await other.call('POST', '/consent-purposes', { name: 'Theirs', description: 'Another tenant’s purpose.', claims: ['email'] })).json<Purpose>();
    const refused = await setup.api.call('PUT', `/flows/${setup.client.client_id}`, { steps: [{ options: ['password'] }], consent: { purposes: [setup.account.id, theirs.id] } });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), ['consent.purposes.1']);

    const browser = webClient(sharedRuntime.url);
    await authorize(setup, browser, { expectPrompt: true });
    const receiptId = (await setup.api.call('GET', `/users/${await userIdOf(setup.api)}/consents`)).json<{ receipts: Array<{ id: string }> }>().receipts[0]!.id;
    // A second user of the same tenant, signed in, asks for the first user's receipt.
    const member = { email: `member-${setup.api.tenant.slug}@example.com`, password: 'an unrelated long passphrase 9' };
    assert.equal((await setup.api.call('POST', '/users', { emails: [{ value: member.email }], password: member.password })).status, 201);
    const memberBrowser = webClient(sharedRuntime.url);
    const page = await memberBrowser.get(`/t/${setup.api.tenant.slug}/login`);
    await memberBrowser.postForm(`/t/${setup.api.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: member.email, password: member.password });
    assert.equal((await memberBrowser.send('GET', `/t/${setup.api.tenant.slug}/account/api/consent-receipts/${receiptId}`, undefined, { accept: 'application/json' })).status, 404);
    assert.equal((await memberBrowser.send('DELETE', `/t/${setup.api.tenant.slug}/account/api/consents/${setup.client.client_id}`, undefined, { origin: origin(), accept: 'application/json' })).status, 404, 'no consent of theirs to withdraw');
    const cookie = `idp_session=${browser.jar.get('idp_session')!.value}`;
    assert.equal((await webClient(sharedRuntime.url).send('GET', `/t/${other.tenant.slug}/account/api/consent-receipts/${receiptId}`, undefined, { cookie, accept: 'application/json' })).status, 401, 'another tenant: no session there');
    assert.equal((await browser.send('DELETE', `/t/${setup.api.tenant.slug}/account/api/consents/${setup.client.client_id}`, undefined, { origin: 'https://evil.example', accept: 'application/json' })).status, 403);
    assert.equal((await browser.send('GET', `/t/${setup.api.tenant.slug}/account/api/consent-receipts/not-a-receipt`, undefined, { accept: 'application/json' })).status, 404);
  });
});
