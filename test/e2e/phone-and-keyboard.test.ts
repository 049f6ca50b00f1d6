import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, seriousOnes } from '../support/accessibility.ts';
import { adminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { intoConsoleInChromium } from '../support/console.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { browserContexts, navigateBy } from '../support/sign-in-pages.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const phone = { width: 375, height: 740 };

/** Nothing wider than the phone's screen (no sideways scrolling of the page itself), and nothing serious for axe. */
async function fitsThePhone(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The innermost elements reaching past the screen's edge, to say what to fix.
    wide: [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1)).slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`),
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: the page is ${scrollWidth}px wide on a ${innerWidth}px screen (${wide.join(', ')})`);
  assert.deepEqual(seriousOnes(await accessibilityViolations(page)).map((v) => `${v.id}: ${v.targets.join(', ')}`), [], what);
}

describe('on a phone, and with the keyboard alone', { timeout: 180_000 }, () => {
  test('the signup console, the sign-in page and the console\'s main screens fit a 375-pixel screen with no serious accessibility violation', async (t) => {
    const api = await adminApi();
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await page.setViewportSize(phone);
    await page.goto(`${sharedRuntime.url}/signup`);
    await fitsThePhone(page, 'signup');
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login`);
    await fitsThePhone(page, 'sign-in page');
    await screenshot(page, 'phone-01-sign-in');
    await intoConsoleInChromium(page, api);
    for (const [link, heading] of [['Overview', 'Overview'], ['Users', 'Users'], ['Applications', 'Applications'], ['Flows', 'Flows'], ['Branding', 'Branding'], ['Audit log', 'Audit log']] as const) {
      await navigateBy(page, () => page.getByRole('link', { name: link, exact: true }).click());
      await expectHeading(page, heading);
      await fitsThePhone(page, `console: ${heading}`);
    }
    await screenshot(page, 'phone-02-console-audit');
    contexts.expectNoCspViolations();
  });

  test('someone signs in with the keyboard alone: the first field has the focus, Tab reaches the next in order with a visible focus ring, Enter submits', async (t) => {
    const api = await adminApi();
    const page = await browserContexts(browser, t).open();
    await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/login`);
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { name: el?.getAttribute('name') ?? el?.textContent?.trim() ?? '', outline: el ? getComputedStyle(el).outlineStyle : 'none' };
    });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      // The first field has the focus when the page opens (autofocus); Tab moves on from there.
      if (i > 0) await page.keyboard.press('Tab');
      const now = await focused();
      order.push(now.name);
      assert.notEqual(now.outline, 'none', `${now.name} shows where the focus is`);
      if (now.name === 'identifier') await page.keyboard.type(api.tenant.adminEmail);
      if (now.name === 'password') await page.keyboard.type(api.tenant.adminPassword);
    }
    assert.deepEqual(order.slice(0, 3), ['identifier', 'password', 'Sign in']);
    await navigateBy(page, () => page.keyboard.press('Enter'));
    await expectHeading(page, 'You are signed in');
  });
});
