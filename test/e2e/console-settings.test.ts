import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TenantSettings } from '../../shared/domain/tenants/settings.ts';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { intoConsoleInChromium } from '../support/console.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';
import { eventually } from '../support/wait.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** The logo the test's "CDN" serves (the machine has no outside network). */
const logoSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#0b7285"/><path d="M10 30V10l20 20V10" stroke="#fff" stroke-width="4" fill="none"/></svg>';
const logoUrl = 'https://cdn.northwind.example/logo.svg';
const serveLogo = (page: Page) => page.context().route(`${logoUrl}*`, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: logoSvg }));

const settingsOf = async (api: AdminApi) => (await api.call('GET', '/settings')).json<TenantSettings>();
const background = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
const loaded = (img: Locator) => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0);

async function openSection(page: Page, link: string, heading: string) {
  await navigateBy(page, () => page.getByRole('link', { name: link, exact: true }).click());
  await expectHeading(page, heading);
  assert.deepEqual(seriousOnes(await accessibilityViolations(page)), [], `${heading}: no serious accessibility violation`);
}

const notice = (page: Page) => page.locator('#console-notice');

describe('the console\'s branding, policies, consent and settings in Chromium', { timeout: 180_000 }, () => {
  test('the branding preview follows the form before saving, and the saved branding is on the real login page; a policy, a consent purpose and settings saved; accessible, no CSP violation', async (t) => {
    const api = await adminApi();
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await serveLogo(page);
    await intoConsoleInChromium(page, api);

    await openSection(page, 'Branding', 'Branding');
    const preview = page.locator('#login-preview');
    const previewName = preview.locator('.brand strong');
    const previewButton = preview.locator('button[type="submit"]');
    assert.equal(await previewName.textContent(), `Org ${api.tenant.slug}`);
    assert.equal(await background(previewButton), 'rgb(59, 91, 219)', 'the saved colour at first');
    assert.equal(await preview.locator('.brand img').count(), 0);

    await page.getByLabel('Display name').fill('Northwind Travel');
    await page.getByLabel('Primary colour', { exact: true }).fill('#0b7285');
    await page.getByLabel('Logo URL').fill(logoUrl);
    assert.equal(await previewName.textContent(), 'Northwind Travel', 'the name changed in the preview as it was typed');
    assert.equal(await background(previewButton), 'rgb(11, 114, 133)', 'the colour changed in the preview');
    await eventually('the logo in the preview', async () => ((await loaded(preview.locator('.brand img'))) ? true : undefined), 5000);
    assert.match((await page.locator('#colour-contrast').textContent()) ?? '', /contrast 5\.\d:1\.$/);

    await page.getByLabel('Pick the primary colour').fill('#fab005');
    assert.equal(await page.getByLabel('Primary colour', { exact: true }).inputValue(), '#fab005', 'the picker fills the text field');
    assert.equal(await background(previewButton), 'rgb(250, 176, 5)');
    assert.match((await page.locator('#colour-contrast').textContent()) ?? '', /too low/, 'a colour too light for white text is pointed out');
    await page.getByLabel('Primary colour', { exact: true }).fill('red;}body{display:none');
    assert.equal(await background(previewButton), 'rgb(250, 176, 5)', 'not a colour: the preview keeps the last one');
    await page.getByLabel('Primary colour', { exact: true }).fill('#0b7285');
    assert.equal((await settingsOf(api)).branding.displayName, `Org ${api.tenant.slug}`, 'nothing saved yet');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-08-branding');

    await navigateBy(page, () => page.getByRole('button', { name: 'Save the branding' }).click());
    assert.match((await notice(page).textContent()) ?? '', /^Saved/);
    assert.deepEqual((await settingsOf(api)).branding, { displayName: 'Northwind Travel', primaryColor: '#0b7285', logoUrl });

    // A visitor's browser: no session, so the sign-in page itself.
    const login = await contexts.open();
    await serveLogo(login);
    await eventually('the saved branding on the login page', async () => {
      await login.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login`);
      return (await login.locator('.brand strong').textContent()) === 'Northwind Travel' ? true : undefined;
    });
    assert.equal(await background(login.getByRole('button', { name: 'Sign in', exact: true })), 'rgb(11, 114, 133)');
    assert.ok(await loaded(login.locator('.brand img')), 'the logo shows on the real page');

    await openSection(page, 'Policies', 'Policies');
    await page.getByLabel('Minimum length', { exact: true }).fill('14');
    await page.getByLabel('Require a digit').check();
    await page.getByLabel('Idle timeout', { exact: true }).fill('3');
    await page.getByLabel('Unit of idle timeout').selectOption('days');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the policies' }).click());
    assert.equal(await notice(page).getAttribute('role'), 'alert');
    assert.equal(await notice(page).textContent(), 'sessions.idleSeconds cannot exceed sessions.absoluteSeconds', 'idle longer than absolute: the API\'s reason');
    await page.getByLabel('Idle timeout', { exact: true }).fill('30');
    await page.getByLabel('Unit of idle timeout').selectOption('minutes');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the policies' }).click());
    assert.equal(await notice(page).getAttribute('role'), 'status');
    const policies = await settingsOf(api);
    assert.deepEqual([policies.passwordPolicy.minLength, policies.passwordPolicy.requireDigit, policies.sessions.idleSeconds], [14, true, 1800]);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-09-policies');

    await openSection(page, 'Consent', 'Consent purposes');
    await page.getByLabel('Name', { exact: true }).fill('Newsletter');
    await page.getByLabel('Description').fill('News about our trips, once a month.');
    await page.getByLabel('Data it covers').fill('email, given_name');
    await page.getByLabel('Legal basis').selectOption('consent');
    await navigateBy(page, () => page.getByRole('button', { name: 'Create the purpose' }).click());
    assert.equal(await notice(page).textContent(), 'The purpose “Newsletter” was created.');
    assert.equal(await page.getByRole('row').filter({ hasText: 'Newsletter' }).count(), 1);
    const purposes = (await api.call('GET', '/consent-purposes')).json<{ items: Array<{ name: string; claims: string[] }> }>().items;
    assert.deepEqual(purposes.map((p) => [p.name, p.claims]), [['Newsletter', ['email', 'given_name']]]);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-10-consent');
    await navigateBy(page, () => page.getByRole('link', { name: 'Change Newsletter' }).click());
    await expectHeading(page, 'Consent purposes');
    assert.equal(await page.getByLabel('Description').inputValue(), 'News about our trips, once a month.');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), [], 'the change form');

    await openSection(page, 'Settings', 'Settings');
    await page.getByLabel('People may create their own account').check();
    await page.getByLabel('Origins (one per line)').fill('https://app.northwind.example\nhttp://localhost:5173');
    await page.getByLabel('Data controller').fill('Northwind Travel Ltd');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the settings' }).click());
    assert.equal(await notice(page).getAttribute('role'), 'status');
    const settings = await settingsOf(api);
    assert.deepEqual([settings.selfRegistration, settings.allowedOrigins, settings.privacy?.controller], [true, ['https://app.northwind.example', 'http://localhost:5173'], 'Northwind Travel Ltd']);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-11-settings');

    contexts.expectNoCspViolations();
  });
});
