import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { expectHeading } from './browser.ts';
import type { AdminApi } from './admin-api.ts';
import { browse } from './federation.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { navigateBy, nextCode } from './sign-in-pages.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from './web-client.ts';

/** The authenticator-app secret each person set up on the way into a console (by email). */
const appSecrets = new Map<string, string>();

/**
 * Into the console as a browser over HTTP: its sign-in at the tenant's login, with the second
 * factor the console asks for — an authenticator app set up at the first sign-in (as the flow's
 * enrolment offers), its code the next times. Answers the browser and the page it ended on.
 */
export async function intoConsole(api: AdminApi, who = { email: api.tenant.adminEmail, password: api.tenant.adminPassword }, browser: WebClient = webClient(sharedRuntime.url)): Promise<{ browser: WebClient; res: WebResponse }> {
  let { res } = await browse(browser, await browser.get(`/t/${api.tenant.slug}/console`), who);
  if (/Set up two-step verification/.test(res.body)) {
    const secret = /<code id="manual-key">([A-Z2-7 ]+)<\/code>/.exec(res.body)![1]!.replace(/ /g, '');
    appSecrets.set(who.email, secret);
    const enrolled = await browser.postForm(`/t/${api.tenant.slug}/login/step/enrol`, { csrf: csrfTokenOf(res.body), code: await generate({ secret }) });
    res = (await browse(browser, await browser.postForm(`/t/${api.tenant.slug}/login/step/continue`, { csrf: csrfTokenOf(enrolled.body) }))).res;
  } else if (/Enter the code from your authenticator app/.test(res.body)) {
    res = (await browse(browser, await browser.postForm(`/t/${api.tenant.slug}/login/step`, { csrf: csrfTokenOf(res.body), method: 'totp', code: await nextCode(appSecrets.get(who.email)!) }))).res;
  }
  return { browser, res };
}

/** A console page as the signed-in administrator, and a way to post its forms with the page's CSRF token. */
export async function consoleScreen(browser: WebClient, api: AdminApi, path: string) {
  const page = await browser.get(`/t/${api.tenant.slug}/console${path}`);
  return {
    page,
    post: (action: string, fields: Record<string, string>) => browser.postForm(`/t/${api.tenant.slug}/console${action}`, { csrf: csrfTokenOf(page.body), ...fields }),
  };
}

/**
 * Into the console in Chromium as the tenant's administrator: the tenant's login, an authenticator
 * app set up on the way (the console asks for a second factor), the recovery codes acknowledged;
 * ends on the overview. Answers the app's secret.
 */
export async function intoConsoleInChromium(page: Page, api: { readonly tenant: Pick<AdminApi['tenant'], 'slug' | 'adminEmail' | 'adminPassword'> }): Promise<string> {
  await page.goto(`${sharedRuntime.url}/t/${api.tenant.slug}/console`);
  await expectHeading(page, 'Sign in');
  await page.locator('[name="identifier"]').fill(api.tenant.adminEmail);
  await page.locator('[name="password"]').fill(api.tenant.adminPassword);
  await navigateBy(page, () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
  await expectHeading(page, 'Set up two-step verification');
  const secret = ((await page.locator('#manual-key').textContent()) ?? '').replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(await generate({ secret }));
  await navigateBy(page, () => page.getByRole('button', { name: 'Turn on two-step verification' }).click());
  await expectHeading(page, 'Save your recovery codes');
  await navigateBy(page, () => page.getByRole('button', { name: 'I saved them, continue' }).click());
  await expectHeading(page, 'Overview');
  return secret;
}

const unescaped = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a console page's notice says, as text. */
export const noticeOf = (res: WebResponse) => unescaped(/id="console-notice">([^<]*)</.exec(res.body)?.[1] ?? '');

/** A console form's answer: the screen again, with a notice (`status` when it worked, `alert` when refused) matching `pattern`. */
export function expectNotice(res: WebResponse, kind: 'done' | 'refused', pattern: RegExp): void {
  assert.equal(res.status, 200, res.body.slice(0, 400));
  assert.match(res.body, kind === 'done' ? /role="status" id="console-notice"/ : /role="alert" id="console-notice"/, noticeOf(res));
  assert.match(noticeOf(res), pattern);
}
