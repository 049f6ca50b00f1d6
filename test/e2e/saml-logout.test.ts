import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, newBrowserSession } from '../support/browser.ts';
import { samlSpServer } from '../support/saml-sp-server.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';

let browser: Browser;
const servers: Array<{ close: () => Promise<void> }> = [];
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function spOf(api: AdminApi, name: string, behaviour: 'answers' | 'never-answers') {
  const sp = await samlSpServer(api, name, behaviour);
  servers.push(sp);
  return sp;
}

/** Signs in to an SP in Chromium: through the hosted login the first time, straight back by SSO afterwards. */
async function signInTo(page: Page, api: AdminApi, sp: { name: string; loginUrl: string }) {
  await page.goto(sp.loginUrl);
  if (page.url().includes('/login')) {
    await page.getByLabel('Email').fill(api.tenant.adminEmail);
    await page.getByLabel('Password').fill(api.tenant.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expectHeading(page, `Signed in to ${sp.name}`);
}

describe('front-channel Single Logout in Chromium (frames on the IdP logout page)', () => {
  test('the hosted sign-out reaches both SAML SPs in frames and moves on as soon as both answered', async (t) => {
    const api = await adminApi();
    const first = await spOf(api, 'Payroll', 'answers');
    const second = await spOf(api, 'Wiki', 'answers');
    const { page } = await newBrowserSession(browser, t);
    await signInTo(page, api, first);
    await signInTo(page, api, second);

    const started = Date.now();
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login/logout`);
    await expectHeading(page, 'You are signed out');
    const elapsed = Date.now() - started;
    assert.equal(await page.locator('.notice').count(), 0, 'no warning: every SP confirmed');
    assert.deepEqual([first.logoutRequests.length, second.logoutRequests.length], [1, 1]);
    assert.deepEqual(first.logoutRequests, first.signedIn, 'the NameID each SP was given');
    assert.ok(elapsed < 8_000, `the page did not wait for its timeout (${elapsed} ms)`);
  });

  test('an SP that never sends the browser back does not strand the user: after the wait the page moves on, and the user is told', async (t) => {
    const api = await adminApi();
    const good = await spOf(api, 'Mail', 'answers');
    const stalled = await spOf(api, 'Legacy CRM', 'never-answers');
    const { page } = await newBrowserSession(browser, t);
    await signInTo(page, api, good);
    await signInTo(page, api, stalled);

    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login/logout`);
    await expectHeading(page, 'Signing you out');
    await page.getByText('Mail: signed out').waitFor({ timeout: 8_000 });
    await expectHeading(page, 'You are signed out');
    assert.match(await page.locator('.notice').innerText(), /could not confirm/);
    assert.deepEqual([good.logoutRequests.length, stalled.logoutRequests.length], [1, 1], 'both SPs got their LogoutRequest');
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login`);
    assert.equal(await page.getByLabel('Password').count(), 1, 'the SSO session is over');
  });
});
