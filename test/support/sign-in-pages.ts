import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { generate } from 'otplib';
import type { Browser, Page, Response } from 'playwright-core';
import type { AdminApi } from './admin-api.ts';
import { expectHeading, newBrowserSession } from './browser.ts';
import { sharedRuntime } from './shared-runtime.ts';

/** Driving the hosted sign-in pages in Chromium: the password step, step pages, and what a signed-in browser has. */

export interface Person {
  readonly email: string;
  readonly password: string;
}

export const admin = (api: AdminApi): Person => ({ email: api.tenant.adminEmail, password: api.tenant.adminPassword });
export const loginPath = (api: AdminApi) => `/t/${api.tenant.slug}/login`;
export const stepPath = (api: AdminApi) => `${loginPath(api)}/step`;

/**
 * A code for the next time step: later than the one enrolment spent, and still inside the
 * server's ±1 step window, so no test waits 30 s for the clock.
 */
export const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

const isCspViolation = (text: string) => /Content Security Policy/i.test(text);

/**
 * Fresh browser contexts for one test, each page's console watched: every CSP violation
 * Chromium reports on any of them is kept, with the page it happened on.
 */
export function browserContexts(browser: Browser, t: TestContext) {
  const cspViolations: string[] = [];
  return {
    cspViolations,
    /** A new context (no cookies: a new device) and its page. */
    async open(): Promise<Page> {
      const { page } = await newBrowserSession(browser, t);
      page.on('console', (m) => {
        if (m.type() === 'error' && isCspViolation(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
      });
      return page;
    },
    expectNoCspViolations(): void {
      assert.deepEqual(cspViolations, [], 'no Content Security Policy violation on the console');
    },
  };
}

/** Every top-level document request the page makes from now on (redirect hops included), as paths. */
export function pathsVisitedBy(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) paths.push(new URL(r.url()).pathname);
  });
  return paths;
}

const isRedirect = (status: number) => status >= 300 && status < 400;

/** Clicks something that submits a form or follows a link, and answers the document response it ends with (after any redirects). */
export async function navigateBy(page: Page, action: () => Promise<void>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === page.mainFrame() && !isRedirect(r.status())),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** The tenant's sign-in page, filled with the person's email and password and submitted. */
export async function passwordStep(page: Page, api: AdminApi, who: Person): Promise<Response> {
  await page.goto(`${sharedRuntime.url}${loginPath(api)}`);
  await expectHeading(page, 'Sign in');
  await page.locator('[name="identifier"]').fill(who.email);
  await page.locator('[name="password"]').fill(who.password);
  return navigateBy(page, () => page.getByRole('button', { name: 'Sign in', exact: true }).click());
}

/** Waits for the signed-in page, and checks whom it names and that a session cookie was set. */
export async function expectSignedIn(page: Page, who: Person): Promise<void> {
  await expectHeading(page, 'You are signed in');
  assert.equal(await page.locator('#signed-in-as').textContent(), who.email);
  const sessions = (await page.context().cookies()).filter((c) => c.name === 'idp_session');
  assert.equal(sessions.length, 1, 'a session cookie is set');
}

/** Waits for a step page and checks it is the sign-in's step URL. */
export async function expectStep(page: Page, api: AdminApi, heading: string): Promise<void> {
  await expectHeading(page, heading);
  assert.equal(new URL(page.url()).pathname, stepPath(api));
}


/** Publishes the tenant's default flow document. */
export async function publishFlow(api: AdminApi, flow: unknown): Promise<void> {
  const published = await api.call('PUT', '/flows/default', flow);
  assert.equal(published.status, 200, published.body);
}
