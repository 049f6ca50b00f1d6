import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { adminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';
import { intoConsoleInChromium } from '../support/console.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe('the admin console in Chromium', { timeout: 120_000 }, () => {
  test('an administrator opens the console: the tenant\'s login, an authenticator app set up on the way, the overview, the users, a new application; no serious accessibility violation, no CSP violation', async (t) => {
    const api = await adminApi();
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await intoConsoleInChromium(page, api);
    await expectHeading(page, 'Overview');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)).map((v) => `${v.id}: ${v.targets.join(', ')}`), []);
    assert.ok(Number(await page.locator('#signins-today').textContent()) >= 1, 'this sign-in counts');
    await screenshot(page, 'console-01-overview');

    await navigateBy(page, () => page.getByRole('link', { name: 'Users' }).click());
    await expectHeading(page, 'Users');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)).map((v) => `${v.id}: ${v.targets.join(', ')}`), []);
    await page.getByLabel('Find by email or username').fill(api.tenant.adminEmail);
    await navigateBy(page, () => page.getByRole('button', { name: 'Search' }).click());
    assert.equal(await page.locator('tbody tr').count(), 1);
    await screenshot(page, 'console-02-users');

    await navigateBy(page, () => page.getByRole('link', { name: 'Applications' }).click());
    await expectHeading(page, 'Applications');
    await page.getByLabel('Name', { exact: true }).fill('Storefront');
    await page.getByLabel(/Single-page application/).check();
    await page.getByLabel(/Redirect URI/).fill('https://store.example.com/callback');
    await navigateBy(page, () => page.getByRole('button', { name: 'Create the application' }).click());
    assert.match((await page.locator('#client-id').textContent()) ?? '', /\S{10,}/);
    assert.equal(await page.locator('#client-secret').count(), 0, 'a single-page application has no secret');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy the code to use the application with openid-client' }).click();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /client\.discovery\(new URL\(/, 'the snippet is on the clipboard');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)).map((v) => `${v.id}: ${v.targets.join(', ')}`), []);
    await screenshot(page, 'console-03-application-created');

    await navigateBy(page, () => page.getByRole('button', { name: 'Sign out' }).click());
    await expectHeading(page, 'You are signed out');
    contexts.expectNoCspViolations();
  });
});
