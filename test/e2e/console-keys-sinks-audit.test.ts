import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { adminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { intoConsoleInChromium } from '../support/console.ts';
import { startSiemListener, type SiemListener } from '../support/siem-listener.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';

let browser: Browser;
let receiver: SiemListener;
before(async () => {
  browser = await launchChromium();
  receiver = await startSiemListener();
});
after(async () => {
  await browser?.close();
  await receiver?.close();
});

describe('the console\'s signing keys, SIEM sinks and audit log in Chromium', { timeout: 180_000 }, () => {
  test('an administrator rotates the token signing key, streams events to a listener and sends it a test event, then filters the audit log and downloads the events; no serious accessibility violation, no CSP violation', async (t) => {
    const api = await adminApi();
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await intoConsoleInChromium(page, api);

    // Signing keys: the rotation is explained, then done.
    await navigateBy(page, () => page.getByRole('link', { name: 'Signing keys' }).click());
    await expectHeading(page, 'Signing keys');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    const tokenKeys = page.locator('section[aria-labelledby="keys-ES256"]');
    const next = (await tokenKeys.locator('tr[data-state="next"] code').textContent())!;
    await navigateBy(page, () => page.getByRole('button', { name: 'Rotate the ES256 key…' }).click());
    await page.getByRole('heading', { name: 'Rotate the Token signing (ES256) key?', level: 2 }).waitFor();
    assert.match((await page.locator('#confirm-rotation').textContent())!, /stays published for 7 days/);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await navigateBy(page, () => page.getByRole('button', { name: 'Yes, rotate the ES256 key now' }).click());
    assert.match((await page.getByRole('status').textContent())!, new RegExp(`The ES256 key was rotated: ${next} signs now`));
    assert.equal(await tokenKeys.locator('tr[data-state="active"] code').textContent(), next);
    const keys = (await api.call('GET', '/keys')).json<{ items: Array<{ kid: string; alg: string; state: string }> }>().items;
    assert.equal(keys.find((k) => k.alg === 'ES256' && k.state === 'active')?.kid, next, 'the API agrees');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-12-keys');

    // SIEM: a webhook sink to the listener, and a test event it receives.
    await navigateBy(page, () => page.getByRole('link', { name: 'SIEM' }).click());
    await expectHeading(page, 'SIEM');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await page.getByLabel('Name', { exact: true }).fill('SOC');
    await page.getByRole('radio', { name: /Webhook:/ }).check();
    await page.getByLabel('Destination URL (https)').fill(receiver.url);
    await page.getByLabel(/Event types/).fill('siem.test');
    await navigateBy(page, () => page.getByRole('button', { name: 'Add the sink' }).click());
    assert.match((await page.locator('#sink-secret').textContent())!, /^whsec_/);
    await navigateBy(page, () => page.getByRole('button', { name: 'Send test event to SOC' }).click());
    await page.getByRole('heading', { name: 'Test event to SOC: delivered', level: 2 }).waitFor();
    assert.equal(await page.locator('#test-status').textContent(), '200');
    assert.match((await page.locator('#test-latency').textContent())!, /^\d+ ms$/);
    assert.ok(receiver.received.some((r) => (r.body as { type: string }).type === 'siem.test'), 'the listener got the test event');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-13-siem');

    // Audit log: filtered to the tests of sinks, an event's details opened, the view downloaded.
    await navigateBy(page, () => page.getByRole('link', { name: 'Audit log' }).click());
    await expectHeading(page, 'Audit log');
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await page.getByLabel('Event type').selectOption('siem.sink_tested');
    await page.getByLabel('Outcome').selectOption('success');
    await navigateBy(page, () => page.getByRole('button', { name: 'Filter' }).click());
    assert.match(page.url(), /\/console\/audit\?type=siem\.sink_tested&outcome=success/);
    const rows = page.locator('table.compact tbody tr');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.locator('td').nth(1).textContent(), 'siem.sink_tested');
    await rows.locator('summary').click();
    assert.match((await rows.locator('pre').textContent())!, /"delivered": true/);
    assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
    await screenshot(page, 'console-14-audit');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as CSV' }).click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^audit-${api.tenant.slug}-\\d{8}T\\d{4}\\.csv$`));
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    assert.equal(lines.length, 2, 'the header and the one event the filters match');
    assert.equal(lines[1]!.split(',')[2], 'siem.sink_tested');

    contexts.expectNoCspViolations();
  });
});
