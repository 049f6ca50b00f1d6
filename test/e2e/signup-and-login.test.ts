import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { expectHeading, launchChromium, newBrowserSession, screenshot } from '../support/browser.ts';
import { waitForMail } from '../support/mailbox.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { uniqueSlug } from '../support/tenants.ts';

const password = 'correct horse battery staple 42';
const sessionCookie = 'idp_session';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});


/** Clicks something that submits a form or follows a link, and answers the document response it led to. */
async function navigateBy(page: Page, action: () => Promise<void>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

const sessionCookiesOf = async (context: BrowserContext) => (await context.cookies()).filter((c) => c.name === sessionCookie);

/** The credentials page's `<dl>` as term → description. */
async function definitions(page: Page): Promise<Record<string, string>> {
  const pairs = await page.locator('dl dt').evaluateAll((terms) =>
    terms.map((dt) => [dt.textContent?.trim() ?? '', dt.nextElementSibling?.textContent?.trim() ?? ''] as const),
  );
  return Object.fromEntries(pairs);
}

/** A confirmed tenant with its administrator, made through the JSON API (for the tests that start at sign-in). */
async function apiTenant(): Promise<{ slug: string; email: string; loginUrl: string }> {
  const slug = uniqueSlug('e2e');
  const email = `admin-${slug}@example.com`;
  const res = await fetch(`${sharedRuntime.url}/api/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ organizationName: `Org ${slug}`, tenant: slug, adminName: 'Grace Hopper', adminEmail: email, adminPassword: password }),
  });
  assert.equal(res.status, 202, await res.text());
  const link = confirmationLink((await waitForMail(email)).body.text ?? '');
  const confirmed = await fetch(link, { headers: { accept: 'application/json' } });
  assert.equal(confirmed.status, 200, await confirmed.clone().text());
  const { loginUrl } = (await confirmed.json()) as { loginUrl: string };
  return { slug, email, loginUrl };
}

function confirmationLink(text: string): string {
  const match = /https?:\/\/\S+\/signup\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(text);
  assert.ok(match, `no confirmation link in the mail:\n${text}`);
  return match[0];
}

describe('signup and sign-in in Chromium', () => {
  test('a person signs up, confirms by mail, signs in as the administrator and signs out', async (t) => {
    const { context, page } = await newBrowserSession(browser, t);
    const url = sharedRuntime.url;
    const slug = uniqueSlug('e2e');
    const email = `admin-${slug}@example.com`;
    const organizationName = `Acme ${slug}`;

    // The signup form.
    await page.goto(`${url}/signup`);
    await expectHeading(page, 'Create your tenant');
    await screenshot(page, '01-signup-form');
    await page.locator('[name="organizationName"]').fill(organizationName);
    await page.locator('[name="tenant"]').fill(slug);
    await page.locator('[name="adminName"]').fill('Ada Lovelace');
    await page.locator('[name="adminEmail"]').fill(email);
    await page.locator('[name="adminPassword"]').fill(password);
    const submitted = await navigateBy(page, () => page.getByRole('button', { name: 'Create tenant' }).click());
    assert.equal(submitted.status(), 200);

    // "Check your email", then the mail.
    await expectHeading(page, 'Check your email');
    assert.equal(await page.locator('main strong').first().textContent(), email);
    await screenshot(page, '02-check-email');
    const mail = await waitForMail(email);
    assert.equal(mail.subject, `Confirm your email to create ${organizationName}`);
    const link = confirmationLink(mail.body.text ?? '');
    assert.equal(new URL(link).origin, new URL(url).origin, 'the link points at this runtime');

    // Opening the link shows a button; nothing is created until it is pressed.
    await page.goto(link);
    await expectHeading(page, 'Confirm your email');
    await screenshot(page, '03-confirm');
    await navigateBy(page, () => page.getByRole('button', { name: 'Confirm and create my tenant' }).click());

    // The credentials, shown once.
    await expectHeading(page, 'Your tenant is ready');
    const shown = await definitions(page);
    assert.equal(shown['Issuer'], `${url}/t/${slug}`);
    assert.equal(shown['Sign-in page'], `${url}/t/${slug}/login`);
    assert.match(shown['Management client_id'] ?? '', /^mgmt_\S+$/);
    assert.match(shown['client_secret'] ?? '', /^[A-Za-z0-9_-]{20,}$/);
    await screenshot(page, '04-credentials');

    // The sign-in link leads to the tenant's sign-in page.
    await navigateBy(page, () => page.getByRole('link', { name: `Sign in to ${slug}` }).click());
    assert.equal(page.url(), `${url}/t/${slug}/login`);
    await expectHeading(page, 'Sign in');
    await screenshot(page, '05-login');
    await page.locator('[name="identifier"]').fill(email);
    await page.locator('[name="password"]').fill(password);
    const signedIn = await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
    assert.equal(signedIn.status(), 200);

    await expectHeading(page, 'You are signed in');
    assert.equal(await page.locator('#signed-in-as').textContent(), email);
    const [cookie, ...others] = await sessionCookiesOf(context);
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(others.length, 0);
    assert.equal(cookie.path, `/t/${slug}`);
    assert.equal(cookie.httpOnly, true);
    await screenshot(page, '06-signed-in');

    // The session holds: the sign-in page now says who is signed in.
    await page.goto(`${url}/t/${slug}/login`);
    await expectHeading(page, 'You are signed in');

    // Signing out ends it.
    await navigateBy(page, () => page.locator('#sign-out').click());
    assert.equal(page.url(), `${url}/t/${slug}/login/logout`);
    await expectHeading(page, 'You are signed out');
    await screenshot(page, '07-signed-out');
    assert.deepEqual(await sessionCookiesOf(context), [], 'the session cookie is cleared');

    await page.goto(`${url}/t/${slug}/login`);
    await expectHeading(page, 'Sign in');
    await page.locator('[name="identifier"]').waitFor();
    await page.locator('[name="password"]').waitFor();
  });

  describe('with a tenant made through the API', () => {
    let tenant: Awaited<ReturnType<typeof apiTenant>>;
    before(async () => {
      tenant = await apiTenant();
    });

    test('a wrong password shows the generic error and sets no session cookie', async (t) => {
      const { context, page } = await newBrowserSession(browser, t);
      await page.goto(tenant.loginUrl);
      await expectHeading(page, 'Sign in');
      await page.locator('[name="identifier"]').fill(tenant.email);
      await page.locator('[name="password"]').fill('not the right password at all');
      const answer = await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());

      assert.equal(answer.status(), 401);
      await expectHeading(page, 'Sign in');
      assert.equal(
        (await page.locator('#login-error').textContent())?.trim(),
        'The email, username or password is incorrect, or the account is temporarily locked.',
      );
      assert.equal(await page.locator('[name="identifier"]').inputValue(), tenant.email, 'the identifier is kept');
      assert.equal(await page.locator('[name="password"]').inputValue(), '', 'the password is not echoed');
      const setCookies = (await answer.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
      assert.ok(!setCookies.some((c) => c.startsWith(`${sessionCookie}=`)), `no session cookie in ${JSON.stringify(setCookies)}`);
      assert.deepEqual(await sessionCookiesOf(context), []);
      await screenshot(page, '08-login-wrong-password');

      // An unknown account reads the same, so the page does not reveal which accounts exist.
      await page.locator('[name="identifier"]').fill(`nobody-${tenant.slug}@example.com`);
      await page.locator('[name="password"]').fill(password);
      await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
      assert.equal(
        (await page.locator('#login-error').textContent())?.trim(),
        'The email, username or password is incorrect, or the account is temporarily locked.',
      );
      assert.deepEqual(await sessionCookiesOf(context), []);

      // The account itself is fine: the right password still signs in.
      await page.locator('[name="identifier"]').fill(tenant.email);
      await page.locator('[name="password"]').fill(password);
      await navigateBy(page, () => page.getByRole('button', { name: 'Sign in' }).click());
      await expectHeading(page, 'You are signed in');
      assert.equal((await sessionCookiesOf(context)).length, 1);
    });

    test('the sign-in and signup pages refuse to be framed', async (t) => {
      const { page } = await newBrowserSession(browser, t);
      for (const target of [tenant.loginUrl, `${sharedRuntime.url}/signup`]) {
        const response = await page.goto(target);
        assert.ok(response, target);
        assert.equal(response.status(), 200, target);
        const headers = await response.allHeaders();
        assert.match(headers['content-security-policy'] ?? '', /(^|;\s*)frame-ancestors 'none'(;|$)/, target);
        assert.equal(headers['x-frame-options'], 'DENY', target);
      }

      // And Chromium acts on them: a page on another origin that frames the sign-in page gets nothing.
      const framer = await framingPage(tenant.loginUrl);
      t.after(() => new Promise<void>((r) => framer.close(() => r())));
      const { port } = framer.address() as AddressInfo;
      const blocked = page.waitForEvent('console', { predicate: (m) => /frame-ancestors|X-Frame-Options|refused to (display|frame)/i.test(m.text()), timeout: 10_000 });
      await page.goto(`http://127.0.0.1:${port}/`);
      const message = await blocked;
      t.diagnostic(`Chromium: ${message.text()}`);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame, 'the iframe exists');
      assert.equal(await frame.locator('[name="password"]').count(), 0, 'the sign-in form is not rendered inside the frame');
    });
  });
});

/** A page on another origin (127.0.0.1 rather than localhost) that puts `target` in an iframe. */
async function framingPage(target: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>framer</title><h1>Someone else's page</h1><iframe src="${target}" width="600" height="400"></iframe>`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
