import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { seriousOnes, accessibilityViolations } from '../support/accessibility.ts';
import { adminApi } from '../support/admin-api.ts';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { csrfTokenOf, webClient } from '../support/web-client.ts';

let browser: Browser;
before(useSharedRuntimeEnvironment);
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe('the account portal in Chromium', { timeout: 120_000 }, () => {
  test('a user signs in to their account page, edits their profile, signs out another session, and deletes their account; no serious accessibility violation', async (t) => {
    const api = await adminApi();
    const person = { email: `erin-${api.tenant.slug}@example.com`, password: 'the portal passphrase 314' };
    const created = await api.call('POST', '/users', { emails: [{ value: person.email, verified: true }], name: { givenName: 'Erin' }, password: person.password });
    assert.equal(created.status, 201, created.body);
    const userId = created.json<{ id: string }>().id;
    // Another session of the same user, elsewhere.
    const elsewhere = webClient(sharedRuntime.url);
    const form = await elsewhere.get(`/t/${api.tenant.slug}/login`);
    assert.match((await elsewhere.postForm(`/t/${api.tenant.slug}/login`, { csrf: csrfTokenOf(form.body), identifier: person.email, password: person.password })).body, /You are signed in/);

    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/account`);
    await expectHeading(page, 'Sign in');
    assert.equal(seriousOnes(await accessibilityViolations(page)).length, 0, JSON.stringify(seriousOnes(await accessibilityViolations(page))));
    await page.locator('[name="identifier"]').fill(person.email);
    await page.locator('[name="password"]').fill(person.password);
    await navigateBy(page, () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
    await expectHeading(page, 'Your account');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'account-01-portal');

    await page.locator('#familyName').fill('Portal');
    await page.locator('#displayName').fill('Porty');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save profile' }).click());
    assert.equal(await page.locator('#status').textContent(), 'Your profile was saved.');
    const saved = (await api.call('GET', `/users/${userId}`)).json<{ name: { familyName: string }; displayName?: string }>();
    assert.deepEqual([saved.name.familyName, saved.displayName], ['Portal', 'Porty']);
    // A field emptied in the form is removed.
    await page.locator('#displayName').fill('');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save profile' }).click());
    const emptied = (await api.call('GET', `/users/${userId}`)).json<{ name: { familyName: string }; displayName?: string }>();
    assert.deepEqual([emptied.name.familyName, emptied.displayName], ['Portal', undefined]);

    // An authenticator app: the QR code and key, its first code, then the recovery codes shown once.
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.locator('#totp-setup').waitFor({ state: 'visible' });
    const key = (await page.locator('#totp-key').textContent())!.replace(/ /g, '');
    assert.match(await page.locator('#totp-qr').getAttribute('src') ?? '', /^data:image\/png;base64,/);
    await page.locator('#totp-code').fill(await generate({ secret: key }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.locator('#codes').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#codes-list li').count(), 10);
    await screenshot(page, 'account-02-recovery-codes');
    await navigateBy(page, () => page.getByRole('button', { name: 'I have kept them' }).click());
    assert.equal(await page.locator('#status').textContent(), 'Your sign-in methods were updated.');
    assert.equal(await page.getByRole('button', { name: 'Remove Authenticator app' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Set up an authenticator app' }).count(), 0, 'one app at a time');

    const other = page.locator('button[data-action="end-session"]');
    assert.equal(await other.count(), 1, 'the other session can be signed out, this one is marked');
    await navigateBy(page, () => other.click());
    assert.equal(await page.locator('#status').textContent(), 'That session was signed out.');
    assert.doesNotMatch((await elsewhere.get(`/t/${api.tenant.slug}/login`)).body, /You are signed in/, 'the other browser is signed out');

    const exported = await page.evaluate(async (url) => (await fetch(url)).json(), `/t/${api.tenant.slug}/account/api/export`);
    assert.equal((exported as { profile: { id: string } }).profile.id, userId, 'the export link serves the user\'s own data');

    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await screenshot(page, 'account-03-confirm-delete');
    await navigateBy(page, () => page.getByRole('button', { name: 'Yes, delete my account' }).click());
    assert.equal((await api.call('GET', `/users/${userId}`)).status, 404, 'the account is gone');
    contexts.expectNoCspViolations();
    assert.ok((await auditEventsOf(api.tenant.slug)).some((e) => e.type === 'user.updated' && e.details.by === 'self'));
  });

  test('without a session the portal sends to the login and comes back; another tenant\'s cookie is not a session here', async () => {
    const [a, b] = await Promise.all([adminApi(), adminApi()]);
    const http = webClient(sharedRuntime.url);
    const first = await http.get(`/t/${a.tenant.slug}/account`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, `/t/${a.tenant.slug}/login?return_to=${encodeURIComponent(`/t/${a.tenant.slug}/account`)}`);
    const form = await http.get(String(first.headers.location));
    const signedIn = await http.postForm(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(form.body), identifier: a.tenant.adminEmail, password: a.tenant.adminPassword, return_to: `/t/${a.tenant.slug}/account` });
    assert.equal(signedIn.headers.location, `/t/${a.tenant.slug}/account`);
    const portal = await http.get(`/t/${a.tenant.slug}/account`);
    assert.equal(portal.status, 200);
    assert.match(String(portal.headers['content-security-policy']), /script-src 'nonce-/);
    assert.equal(portal.headers['cache-control'], 'no-store');
    const cookie = http.jar.get('idp_session')!.value;
    const elsewhere = await webClient(sharedRuntime.url).get(`/t/${b.tenant.slug}/account`, { cookie: `idp_session=${cookie}` });
    assert.equal(elsewhere.status, 303, 'tenant A\'s session is nothing at tenant B');
  });
});
