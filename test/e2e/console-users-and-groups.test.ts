import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { signedInBrowser } from '../support/account-api.ts';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { intoConsoleInChromium } from '../support/console.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const passphrase = 'a long enough passphrase 42';

async function person(api: AdminApi, who: string, name: Record<string, string>) {
  const email = `${who}-${api.tenant.slug}@example.com`;
  const res = await api.call('POST', '/users', { emails: [{ value: email, verified: true }], name, password: passphrase });
  assert.equal(res.status, 201, res.body);
  return { email, id: res.json<{ id: string }>().id };
}

const click = (page: Page, name: string | RegExp) => navigateBy(page, () => page.getByRole('button', { name, exact: typeof name === 'string' }).click());
const notice = async (page: Page) => (await page.locator('#console-notice').textContent()) ?? '';

async function openUser(page: Page, email: string) {
  await navigateBy(page, () => page.getByRole('link', { name: 'Users', exact: true }).click());
  await page.getByLabel('Find by email or username').fill(email);
  await click(page, 'Search');
  await navigateBy(page, () => page.getByRole('link', { name: email }).click());
  await expectHeading(page, email);
}

describe('the admin console\'s users and groups in Chromium', { timeout: 180_000 }, () => {
  test('an administrator opens a user, edits the name, locks and unlocks them, ends a session, adds them to a new group, and deletes another user after confirming; no serious accessibility violation, no CSP violation', async (t) => {
    const api = await adminApi();
    const hana = await person(api, 'hana', { givenName: 'Hana', familyName: 'Sato' });
    const ivo = await person(api, 'ivo', { givenName: 'Ivo' });
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await intoConsoleInChromium(page, api);

    await openUser(page, hana.email);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await page.getByLabel('Family name').fill('Nakamura');
    await click(page, 'Save the profile');
    assert.match(await notice(page), /was saved/);
    assert.equal((await api.call('GET', `/users/${hana.id}`)).json<{ name: { familyName: string } }>().name.familyName, 'Nakamura');

    await click(page, 'Lock');
    assert.match(await notice(page), /is locked/);
    assert.equal((await page.locator('#profile-status').textContent())?.trim().startsWith('locked'), true);
    assert.equal((await api.call('GET', `/users/${hana.id}`)).json<{ status: string }>().status, 'locked');
    await click(page, 'Unlock');
    assert.match(await notice(page), /is unlocked/);
    assert.equal((await api.call('GET', `/users/${hana.id}`)).json<{ status: string }>().status, 'active');

    // Hana signs in elsewhere: her session shows up, and the administrator ends it.
    await signedInBrowser(api, { email: hana.email, password: passphrase });
    await navigateBy(page, () => page.reload().then(() => undefined));
    assert.equal(await page.locator('#sessions tr').count(), 1);
    await click(page, /^End the session of /);
    assert.match(await notice(page), /session ended/);
    assert.deepEqual((await api.call('GET', `/users/${hana.id}/sessions`)).json<{ items: unknown[] }>().items, []);
    await screenshot(page, 'console-04-user');

    await navigateBy(page, () => page.getByRole('link', { name: 'Groups', exact: true }).click());
    await expectHeading(page, 'Groups');
    await page.getByLabel('Name', { exact: true }).fill('Reviewers');
    await page.getByLabel(/^Description/).fill('They review');
    await click(page, 'Create the group');
    assert.match(await notice(page), /Reviewers was created/);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-05-groups');
    await navigateBy(page, () => page.getByRole('link', { name: 'Reviewers' }).click());
    await expectHeading(page, 'Reviewers');
    await page.getByLabel('Add someone by email or username').fill(hana.email);
    await click(page, 'Add');
    assert.match(await notice(page), /was added to Reviewers/);
    const reviewers = (await api.call('GET', '/groups')).json<{ items: Array<{ id: string; name: string }> }>().items.find((g) => g.name === 'Reviewers')!;
    assert.deepEqual((await api.call('GET', `/groups/${reviewers.id}/members`)).json<{ items: Array<{ userId: string }> }>().items, [{ userId: hana.id }]);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await navigateBy(page, () => page.getByRole('button', { name: `Remove ${hana.email}` }).click());
    assert.match(await notice(page), /Removed from Reviewers/);
    await openUser(page, hana.email);
    await page.getByLabel('Add to a group').selectOption({ label: 'Reviewers' });
    await click(page, 'Add');
    assert.match(await notice(page), /Added to Reviewers/);
    assert.deepEqual((await api.call('GET', `/groups/${reviewers.id}/members`)).json<{ items: Array<{ userId: string }> }>().items, [{ userId: hana.id }]);

    await openUser(page, ivo.email);
    await navigateBy(page, () => page.getByRole('link', { name: 'Delete this user…' }).click());
    await expectHeading(page, `Delete ${ivo.email}`);
    await page.getByLabel(/to confirm/).fill('not them');
    await click(page, 'Delete permanently');
    assert.match(await notice(page), /to confirm the deletion/);
    assert.equal((await api.call('GET', `/users/${ivo.id}`)).status, 200);
    await page.getByLabel(/to confirm/).fill(ivo.email);
    await click(page, 'Delete permanently');
    await expectHeading(page, 'Users');
    assert.match(await notice(page), /was deleted/);
    assert.equal((await api.call('GET', `/users/${ivo.id}`)).status, 404);
    contexts.expectNoCspViolations();
  });
});
