import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where end-to-end screenshots go (gitignored). */
export const artifactsDir = resolve(import.meta.dirname, '../../test-artifacts/e2e');

/** The system Chromium (Debian's `chromium` package); playwright-core never downloads one. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for a machine without outside network: no sandbox (CI runs as root),
 * no GPU, and none of the background traffic (updates, sync, QUIC probes) it would attempt.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * A fresh context (no cookies, no storage) and page for one test; closed when the test
 * ends, after a full-page screenshot named after the test if it failed.
 */
export async function newBrowserSession(browser: Browser, t: TestContext): Promise<BrowserSession> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  t.after(async () => {
    // node:test sets `passed` on the context at runtime; @types/node does not declare it yet.
    if ((t as TestContext & { passed?: boolean }).passed === false && !page.isClosed()) {
      await screenshot(page, `failed-${t.name}`).catch(() => undefined);
    }
    await context.close();
  });
  return { context, page };
}

/** Saves a full-page PNG under test-artifacts/e2e/ and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

/** Waits for the page's h1 to read `name`, naming the page actually shown if it does not. */
export async function expectHeading(page: Page, name: string): Promise<void> {
  try {
    await heading(page, name).waitFor({ state: 'visible', timeout: 10_000 });
  } catch (error) {
    const shown = await page.locator('h1').allTextContents().catch(() => []);
    throw new Error(`expected the page "${name}" at ${page.url()}, got h1 ${JSON.stringify(shown)}`, { cause: error });
  }
}
