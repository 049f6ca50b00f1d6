import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SAML } from '@node-saml/node-saml';
import * as oidc from 'openid-client';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { intoConsoleInChromium } from '../support/console.ts';
import { waitForMail } from '../support/mailbox.ts';
import { linkMailedTo } from '../support/password-reset.ts';
import { spCredentials } from '../support/saml.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';
import { uniqueSlug } from '../support/tenants.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const noA11yProblems = async (page: Page) => assert.deepEqual(seriousOnes(await accessibilityViolations(page)).map((v) => `${v.id}: ${v.targets.join(', ')}`), []);
const click = (page: Page, name: string) => navigateBy(page, () => page.getByRole('button', { name, exact: true }).click());
const follow = (page: Page, name: string) => navigateBy(page, () => page.getByRole('link', { name, exact: true }).click());

/** The relying party's redirect target: answers a plain page and keeps the callback URLs it saw. */
async function callbackServer() {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Expenses</title><h1>Expenses</h1>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, seen, close: () => server.close() };
}

describe('the console, end to end in Chromium', { timeout: 300_000 }, () => {
  test('an administrator signs up, confirms, enrols an authenticator app on the way into the console, creates an OIDC app and a SAML SP, invites a user, requires TOTP for that user\'s group in the flow; the invited user signs in to the app under that flow', async (t) => {
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    const slug = uniqueSlug('story');
    const tenant = { slug, adminEmail: `ada@${slug}.example.com`, adminPassword: 'correct horse battery staple 42' };
    const app = await callbackServer();
    t.after(app.close);

    // Sign up and confirm.
    await page.goto(`${sharedRuntime.url}/signup`);
    await page.locator('[name="organizationName"]').fill('Northwind Travel');
    await page.locator('[name="tenant"]').fill(slug);
    await page.locator('[name="adminName"]').fill('Ada Lovelace');
    await page.locator('[name="adminEmail"]').fill(tenant.adminEmail);
    await page.locator('[name="adminPassword"]').fill(tenant.adminPassword);
    await click(page, 'Create tenant');
    await expectHeading(page, 'Check your email');
    const confirmation = /https?:\/\/\S+\/signup\/confirm\?token=[A-Za-z0-9_-]{43}/.exec((await waitForMail(tenant.adminEmail)).body.text ?? '')![0];
    await page.goto(confirmation);
    await click(page, 'Confirm and create my tenant');
    await expectHeading(page, 'Your tenant is ready');
    await noA11yProblems(page);
    await screenshot(page, 'story-01-tenant-ready');
    assert.equal(await page.getByRole('link', { name: 'Open the console' }).getAttribute('href'), `${sharedRuntime.url}/t/${slug}/console`);

    // Into the console: the tenant's own login, an authenticator app set up on the way.
    await intoConsoleInChromium(page, { tenant });
    await screenshot(page, 'story-02-overview');

    // An OIDC web application, its secret shown once.
    await follow(page, 'Applications');
    await page.getByLabel('Name', { exact: true }).fill('Expenses');
    await page.getByLabel(/Web application with a server/).check();
    await page.getByLabel(/Redirect URI/).fill(app.url);
    await click(page, 'Create the application');
    const clientId = ((await page.locator('#client-id').textContent()) ?? '').trim();
    const clientSecret = ((await page.locator('#client-secret').textContent()) ?? '').trim();
    assert.match(clientSecret, /^\S{20,}$/);

    // A SAML service provider from its metadata.
    const credentials = await spCredentials('story-sp');
    const metadata = new SAML({ issuer: `https://wiki.${slug}.example.com`, callbackUrl: `https://wiki.${slug}.example.com/saml/acs`, idpCert: 'unused' }).generateServiceProviderMetadata(null, credentials.certificatePem);
    await page.getByLabel(/^Name \(optional/).fill('Team wiki');
    await page.getByLabel(/Its SAML metadata/).fill(metadata);
    await click(page, 'Register the service provider');
    assert.match((await page.locator('#console-notice').textContent()) ?? '', /Team wiki was registered/);
    assert.equal(await page.locator('#idp-metadata-url').textContent(), `${sharedRuntime.url}/t/${slug}/saml2/metadata`);
    await noA11yProblems(page);
    await screenshot(page, 'story-03-applications');

    // Invite someone, and put them in Finance.
    const mia = `mia@${slug}.example.com`;
    await follow(page, 'Users');
    await page.getByLabel('Their email').fill(mia);
    await click(page, 'Send the invitation');
    assert.match((await page.locator('#console-notice').textContent()) ?? '', /An invitation went to/);
    await follow(page, 'Groups');
    await page.getByLabel('Name', { exact: true }).fill('Finance');
    await page.getByRole('button', { name: /Create the group/ }).click();
    await page.waitForLoadState('load');
    await follow(page, 'Finance');
    await page.getByLabel('Add someone by email or username').fill(mia);
    await page.getByRole('button', { name: /^Add/ }).click();
    await page.waitForLoadState('load');
    assert.match((await page.locator('#console-notice').textContent()) ?? '', /was added to Finance/);

    // The flow: step 2 is an authenticator app, and members of Finance must pass it.
    await follow(page, 'Flows');
    await follow(page, 'Default flow');
    const step2 = page.getByRole('group', { name: 'Step 2', exact: true });
    await step2.getByLabel('Code by email').uncheck();
    await step2.getByLabel('Recovery code').uncheck();
    const rule = page.getByRole('group', { name: 'New rule', exact: true });
    await rule.getByLabel('Description (optional)').fill('Finance signs in with an authenticator app');
    await rule.getByLabel('If').selectOption({ label: 'the user is in the group' });
    await rule.getByLabel('Value').fill('Finance');
    await rule.getByLabel('Then').selectOption({ label: 'require the step' });
    await rule.getByLabel('Step number').fill('2');
    await click(page, 'Save the form');
    assert.match((await page.locator('#console-notice').textContent()) ?? '', /is published/);
    await screenshot(page, 'story-04-flow');
    await click(page, 'Sign out');

    // The invited user chooses a password from the mail…
    const invited = await browser.newContext();
    t.after(() => invited.close());
    const user = await invited.newPage();
    await user.goto(await linkMailedTo(mia, /invited/i));
    await expectHeading(user, 'Choose your password');
    await user.locator('[name="password"]').fill('plum orchard tangerine 2026');
    await click(user, 'Save the password');
    await expectHeading(user, 'Your password is set');

    // …and signs in to the application: the flow asks a member of Finance for an authenticator app.
    const config = await oidc.discovery(new URL(`${sharedRuntime.url}/t/${slug}`), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    await user.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: app.url, scope: 'openid email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href);
    await expectHeading(user, 'Sign in');
    await user.locator('[name="identifier"]').fill(mia);
    await user.locator('[name="password"]').fill('plum orchard tangerine 2026');
    await click(user, 'Sign in');
    await expectHeading(user, 'Set up two-step verification');
    await screenshot(user, 'story-05-totp-required');
    const secret = ((await user.locator('#manual-key').textContent()) ?? '').replace(/\s/g, '');
    await user.getByLabel('Code from the app').fill(await generate({ secret }));
    await click(user, 'Turn on two-step verification');
    await expectHeading(user, 'Save your recovery codes');
    await click(user, 'I saved them, continue');
    await expectHeading(user, 'Expenses');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(user.url()), { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    assert.equal(claims.email, mia);
    assert.deepEqual(claims.amr, ['pwd', 'otp'], 'the flow\'s rule made the second factor required');
    contexts.expectNoCspViolations();
  });
});
