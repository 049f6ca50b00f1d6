import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { adminApi } from '../support/admin-api.ts';
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

interface StoredFlow {
  version: number;
  document: { steps: Array<{ options: string[]; optional: boolean }>; rules: unknown[] };
}

const noA11yProblems = async (page: Page) => assert.deepEqual(seriousOnes(await accessibilityViolations(page)), []);
const notice = (page: Page) => page.locator('#console-notice').textContent();

describe('the console\'s flow editor in Chromium', { timeout: 180_000 }, () => {
  test('an administrator requires TOTP for Finance in the form view, sees the live check flag a broken JSON edit and clear it, compares two versions, rolls back and explains a sample; no serious accessibility violation, no CSP violation', async (t) => {
    const api = await adminApi();
    assert.equal((await api.call('POST', '/groups', { name: 'Finance' })).status, 201);
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await intoConsoleInChromium(page, api);

    await navigateBy(page, () => page.getByRole('link', { name: 'Flows', exact: true }).click());
    await expectHeading(page, 'Flows');
    await noA11yProblems(page);
    await navigateBy(page, () => page.getByRole('link', { name: 'Default flow' }).click());
    await expectHeading(page, 'Default flow');

    // The form view: step 2 becomes TOTP only, and a rule requires it for members of Finance.
    const step2 = page.getByRole('group', { name: 'Step 2', exact: true });
    await step2.getByLabel('Code by email').uncheck();
    await step2.getByLabel('Recovery code').uncheck();
    const rule = page.getByRole('group', { name: 'New rule', exact: true });
    await rule.getByLabel('Description (optional)').fill('Finance needs TOTP');
    await rule.getByLabel('If').selectOption({ label: 'the user is in the group' });
    await rule.getByLabel('Value').fill('Finance');
    await rule.getByLabel('Then').selectOption({ label: 'require the step' });
    await rule.getByLabel('Step number').fill('2');
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the form' }).click());
    assert.match((await notice(page)) ?? '', /Version 1 is published/);
    const first = (await api.call('GET', '/flows/default')).json<StoredFlow>();
    assert.deepEqual([first.version, first.document.steps[1]!.options, first.document.rules], [1, ['totp'], [{ description: 'Finance needs TOTP', when: { memberOf: 'Finance' }, then: { requireStep: 2 } }]]);
    await noA11yProblems(page);
    await screenshot(page, 'console-06-flow-editor');

    // The JSON view, checked as it is typed.
    const json = page.getByLabel('Flow document (JSON)');
    const problems = page.locator('#json-problems');
    const saved = await json.inputValue();
    await json.fill(saved.replace('"requireStep": 2', '"requireStep": 9'));
    await problems.getByText('rules.0.then', { exact: true }).waitFor();
    assert.match((await problems.textContent()) ?? '', /there is no step 9 \(the flow has 2\)/);
    assert.equal(await json.getAttribute('aria-invalid'), 'true');
    await json.fill(`${saved},`);
    await problems.getByText(/not valid JSON/).waitFor();
    await json.fill(saved.replace('"stepUp": true', '"maxAgeSeconds": 28800, "stepUp": true'));
    await problems.getByText('The document is valid.').waitFor();
    assert.equal(await json.getAttribute('aria-invalid'), 'false');
    await noA11yProblems(page);
    await navigateBy(page, () => page.getByRole('button', { name: 'Save the JSON' }).click());
    assert.match((await notice(page)) ?? '', /Version 2 is published/);

    // The differences between the two versions, then back to the first.
    await navigateBy(page, () => page.getByRole('link', { name: 'Versions and differences' }).click());
    await expectHeading(page, 'Default flow: versions');
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption('2');
    await navigateBy(page, () => page.getByRole('button', { name: 'Show the differences' }).click());
    assert.match((await page.locator('pre.diff ins').allTextContents()).join('\n'), /\+\s+"maxAgeSeconds": 28800/);
    await noA11yProblems(page);
    await screenshot(page, 'console-07-flow-diff');

    await navigateBy(page, () => page.getByRole('button', { name: 'Roll back to version 1' }).click());
    await page.getByRole('heading', { name: 'Roll back to version 1?' }).waitFor();
    await noA11yProblems(page);
    await navigateBy(page, () => page.getByRole('button', { name: 'Yes, roll back to version 1' }).click());
    assert.match((await notice(page)) ?? '', /Version 1 is published again, as version 3/);
    const rolledBack = (await api.call('GET', '/flows/default')).json<StoredFlow & { document: { session: Record<string, unknown> } }>();
    assert.deepEqual([rolledBack.version, rolledBack.document.session], [3, { stepUp: true }]);

    // A dry run for a member of Finance.
    await navigateBy(page, () => page.getByRole('link', { name: 'Explain' }).click());
    await expectHeading(page, 'Default flow: explain');
    await page.getByLabel('Or groups (comma-separated)').fill('Finance');
    await navigateBy(page, () => page.getByRole('button', { name: 'Explain', exact: true }).click());
    assert.deepEqual((await page.locator('#explain-steps li').allTextContents()).map((s) => s.trim()), ['Step 1: Password', 'Step 2: Authenticator app (TOTP)']);
    assert.match((await page.locator('#explain-rules').textContent()) ?? '', /Matched: rule 1 \(Finance needs TOTP\): applies/);
    await noA11yProblems(page);

    contexts.expectNoCspViolations();
  });
});
