import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { adminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { callbackUri, insecure, registerClient } from '../support/oidc-flows.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** The client's redirect URI answered in the browser itself; answers the callback URL each time Chromium reaches it. */
function interceptCallbacks(page: Page): URL[] {
  const reached: URL[] = [];
  void page.route(`${callbackUri}**`, (route) => {
    reached.push(new URL(route.request().url()));
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Partner</title><h1>Back at Partner</h1>' });
  });
  return reached;
}

describe('consent in Chromium', { timeout: 120_000 }, () => {
  test('the consent page at the first sign-in; a declined purpose keeps the email out of the tokens; a verified receipt; withdrawal asks again and revokes the refresh token', async (t) => {
    const api = await adminApi();
    const newsletter = (await api.call('POST', '/consent-purposes', { name: 'Partner newsletter', description: 'Partner sends you product news about monthly.', claims: ['email', 'email_verified'], legalBasis: 'consent' })).json<{ id: string }>();
    const accountPurpose = (await api.call('POST', '/consent-purposes', { name: 'Your Partner account', description: 'Partner keeps your name on your account.', claims: ['given_name', 'family_name', 'name'], legalBasis: 'contract', mandatory: true })).json<{ id: string }>();
    const client = await registerClient(api.tenant, { first_party: false, client_name: 'Partner', scope: 'openid profile email offline_access' });
    assert.equal((await api.call('PUT', `/flows/${client.client_id}`, { steps: [{ options: ['password'] }], consent: { purposes: [accountPurpose.id, newsletter.id] } })).status, 200);
    const config = await oidc.discovery(new URL(api.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);

    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    const callbacks = interceptCallbacks(page);
    const authorize = async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid profile email offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
      return { verifier, url };
    };
    const tokensFrom = (verifier: string) => oidc.authorizationCodeGrant(config, callbacks.at(-1)!, { pkceCodeVerifier: verifier, expectedState: 'st' });

    // First sign-in: the password, then the consent page.
    const first = await authorize();
    await page.goto(first.url.href);
    await expectHeading(page, 'Sign in');
    await page.locator('[name="identifier"]').fill(api.tenant.adminEmail);
    await page.locator('[name="password"]').fill(api.tenant.adminPassword);
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
    assert.match((await page.locator('h1').textContent())!, /^Allow Partner to access your/);
    assert.equal(await page.locator(`[name="purpose_${newsletter.id}"]`).isChecked(), false, 'the optional purpose is not ticked in advance');
    assert.ok(await page.getByText('Partner sends you product news about monthly.').isVisible());
    await screenshot(page, 'consent-01-page');
    await navigateBy(page, () => page.getByRole('button', { name: 'Allow' }).click());
    await expectHeading(page, 'Back at Partner');
    const declined = await tokensFrom(first.verifier);
    assert.equal(declined.claims()!.email, undefined);
    assert.equal((await oidc.fetchUserInfo(config, declined.access_token, declined.claims()!.sub)).email, undefined);

    // The receipt, downloaded by the user and verified with the tenant's JWKS.
    const consents = await (await page.request.get(`${sharedRuntime.url}/t/${api.tenant.slug}/account/api/consents`, { headers: { accept: 'application/json' } })).json() as { receipts: Array<{ id: string }> };
    const receipt = await page.request.get(`${sharedRuntime.url}/t/${api.tenant.slug}/account/api/consent-receipts/${consents.receipts[0]!.id}`);
    assert.equal(receipt.headers()['content-type'], 'application/jwt');
    const { payload } = await jwtVerify(await receipt.text(), createRemoteJWKSet(new URL(`${api.tenant.issuer}/oauth2/jwks`)), { issuer: api.tenant.issuer });
    assert.equal(payload.version, 'KI-CR-v1.1.0');

    // Withdrawal from the account pages' origin (as the portal will call it): the refresh token dies, the next sign-in asks again.
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login`);
    await expectHeading(page, 'You are signed in');
    const withdrawn = await page.evaluate(async (url) => (await fetch(url, { method: 'DELETE', headers: { accept: 'application/json' } })).status, `${sharedRuntime.url}/t/${api.tenant.slug}/account/api/consents/${client.client_id}`);
    assert.equal(withdrawn, 204);
    await assert.rejects(oidc.refreshTokenGrant(config, declined.refresh_token!), (error: Error & { error?: string }) => error.error === 'invalid_grant');
    const second = await authorize();
    await page.goto(second.url.href);
    assert.match((await page.locator('h1').textContent())!, /^Allow Partner to access your/, 'asked again, without a new password');
    await page.locator(`[name="purpose_${newsletter.id}"]`).check();
    await navigateBy(page, () => page.getByRole('button', { name: 'Allow' }).click());
    const accepted = await tokensFrom(second.verifier);
    assert.equal(accepted.claims()!.email, api.tenant.adminEmail);
    contexts.expectNoCspViolations();
  });
});
