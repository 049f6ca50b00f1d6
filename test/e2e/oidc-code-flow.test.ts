import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { expectHeading, launchChromium, newBrowserSession, screenshot } from '../support/browser.ts';
import { insecure, registerClient } from '../support/oidc-flows.ts';
import { signUpTenant, type SignedUpTenant } from '../support/signup.ts';
import { uniqueSlug } from '../support/tenants.ts';

/** What the relying party's callback received: one entry per request, recorded before it answers. */
interface CallbackHit {
  readonly method: string;
  readonly url: URL;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** The relying party's redirect_uri: a tiny server on 127.0.0.1 that answers "signed in" to GET and POST alike. */
async function callbackServer() {
  const hits: CallbackHit[] = [];
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const { port } = server.address() as AddressInfo;
      hits.push({ method: req.method ?? '', url: new URL(req.url ?? '/', `http://127.0.0.1:${port}`), contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Client</title><h1>signed in</h1>');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const scope = 'openid profile email';
const scopeWords = ['Confirm who you are', 'Your name, username and language', 'Your email address'];

let browser: Browser;
let callback: Awaited<ReturnType<typeof callbackServer>>;
let tenant: SignedUpTenant;
let organizationName: string;

before(async () => {
  const slug = uniqueSlug('e2e');
  organizationName = `Northwind ${slug}`;
  [browser, callback, tenant] = await Promise.all([launchChromium(), callbackServer(), signUpTenant(undefined, { tenant: slug, organizationName })]);
});
after(async () => {
  await browser?.close();
  await callback?.close();
});


/** Every top-level document request the page makes (redirect hops included), from now on. */
function navigationsOf(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) urls.push(r.url());
  });
  return urls;
}

/** A fresh browser context and page for one test, its console errors recorded. */
async function browserPage(t: TestContext): Promise<Page> {
  const { page } = await newBrowserSession(browser, t);
  recordConsoleErrors(page);
  return page;
}

/** Chromium's console errors per page (CSP violations show up there), for failure messages. */
const consoleErrors = new WeakMap<Page, string[]>();
function recordConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

const isCallback = (url: URL) => `${url.origin}${url.pathname}` === callback.url;

const isCspViolation = (text: string) => /violates the following Content Security Policy/i.test(text);

/**
 * Waits until Chromium shows the client's callback page, and answers the URL it landed on.
 * A CSP violation on the way fails at once: Chromium reports it on the console and stays put.
 */
async function expectCallback(page: Page): Promise<URL> {
  const errors = consoleErrors.get(page) ?? [];
  let onConsole: ((message: ConsoleMessage) => void) | undefined;
  const blocked = new Promise<never>((_resolve, reject) => {
    const fail = () => reject(new Error('Chromium blocked the navigation (Content Security Policy)'));
    if (errors.some(isCspViolation)) fail();
    onConsole = (message) => {
      if (isCspViolation(message.text())) fail();
    };
    page.on('console', onConsole);
  });
  try {
    await Promise.race([page.waitForURL(isCallback, { timeout: 10_000 }), blocked]);
  } catch (error) {
    const shown = await page.locator('h1').allTextContents().catch(() => []);
    throw new Error(`expected the client's callback, still at ${page.url()} showing h1 ${JSON.stringify(shown)}; console errors ${JSON.stringify(errors)}`, { cause: error });
  } finally {
    if (onConsole) page.off('console', onConsole);
  }
  await expectHeading(page, 'signed in');
  return new URL(page.url());
}

/** A third-party application of the tenant whose redirect_uri is the callback server, and its openid-client configuration. */
async function thirdPartyApp(name: string) {
  const registered = await registerClient(tenant, { client_name: name, first_party: false, redirect_uris: [callback.url] });
  assert.ok(registered.client_secret, 'a confidential client');
  const config = await oidc.discovery(new URL(tenant.issuer), registered.client_id, registered.client_secret, undefined, insecure);
  return { name, clientId: registered.client_id, config };
}

/** An authorization request with state, nonce and PKCE (S256), as the relying party builds it, and the checks it keeps. */
async function authorizationRequest(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callback.url,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
    ...extra,
  });
  return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce } };
}

/** Fills the hosted sign-in page with the administrator's credentials and submits it. */
async function signIn(page: Page): Promise<void> {
  await expectHeading(page, 'Sign in');
  assert.equal(new URL(page.url()).pathname, `/t/${tenant.slug}/login`);
  await page.locator('[name="identifier"]').fill(tenant.adminEmail);
  await page.locator('[name="password"]').fill(tenant.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Checks the consent page names the application and the scopes asked for. */
async function expectConsent(page: Page, appName: string): Promise<void> {
  await expectHeading(page, `Allow ${appName} to access your ${organizationName} account?`);
  assert.equal(new URL(page.url()).pathname, `/t/${tenant.slug}/oauth2/consent`);
  assert.deepEqual((await page.locator('#scopes li').allTextContents()).map((s) => s.trim()), scopeWords);
}

/** The code exchange as the relying party does it, and the checks every ID token here must pass. */
async function redeem(config: oidc.Configuration, landed: URL | Request, checks: Awaited<ReturnType<typeof authorizationRequest>>['checks']) {
  const tokens = await oidc.authorizationCodeGrant(config, landed, checks);
  const claims = tokens.claims();
  assert.ok(claims, 'an ID token');
  assert.equal(claims.iss, tenant.issuer);
  assert.equal(claims.nonce, checks.expectedNonce);
  assert.equal(claims.email, tenant.adminEmail);
  assert.match(claims.sub, /\S/);
  return { tokens, claims };
}

describe('OpenID Connect authorization code + PKCE in Chromium, openid-client as the relying party', () => {
  test('a third-party application: sign in, consent, code at the callback, tokens and UserInfo', async (t) => {
    const app = await thirdPartyApp('Photo Printer');
    const page = await browserPage(t);
    const { url, checks } = await authorizationRequest(app.config);

    await page.goto(url.href);
    await screenshot(page, 'oidc-01-login');
    await signIn(page);

    await expectConsent(page, app.name);
    await screenshot(page, 'oidc-02-consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    const landed = await expectCallback(page);
    assert.ok(landed.searchParams.get('code'), 'a code');
    assert.equal(landed.searchParams.get('state'), checks.expectedState);
    assert.equal(landed.searchParams.get('iss'), tenant.issuer, 'RFC 9207 iss');
    assert.equal(landed.searchParams.get('error'), null);
    const hit = callback.hits.find((h) => h.url.href === landed.href);
    assert.equal(hit?.method, 'GET', 'the callback server saw the redirect');

    const { tokens, claims } = await redeem(app.config, landed, checks);
    assert.equal(claims.aud, app.clientId);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(scope.split(' ')));

    const userinfo = await oidc.fetchUserInfo(app.config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.email, tenant.adminEmail);
    assert.equal(userinfo.email_verified, true);
    assert.equal(userinfo.name, 'Ada Lovelace');

    // A code is good once.
    await assert.rejects(oidc.authorizationCodeGrant(app.config, landed, checks), (e: Error & { error?: string }) => e.error === 'invalid_grant');
  });

  test('with the session in place and consent given, a second authorization goes straight back; prompt=login asks for the password again', async (t) => {
    const app = await thirdPartyApp('Calendar Sync');
    const page = await browserPage(t);

    // First time: sign in and allow.
    const first = await authorizationRequest(app.config);
    await page.goto(first.url.href);
    await signIn(page);
    await expectConsent(page, app.name);
    await page.getByRole('button', { name: 'Allow' }).click();
    const { claims: firstClaims } = await redeem(app.config, await expectCallback(page), first.checks);

    // Second time: neither the sign-in page nor the consent page.
    const second = await authorizationRequest(app.config);
    const visited = navigationsOf(page);
    await page.goto(second.url.href);
    const landed = await expectCallback(page);
    const pathsVisited = visited.map((u) => new URL(u).pathname);
    assert.ok(!pathsVisited.includes(`/t/${tenant.slug}/login`), `no sign-in page in ${JSON.stringify(visited)}`);
    assert.ok(!pathsVisited.includes(`/t/${tenant.slug}/oauth2/consent`), `no consent page in ${JSON.stringify(visited)}`);
    assert.equal(landed.searchParams.get('state'), second.checks.expectedState);
    const { claims: secondClaims } = await redeem(app.config, landed, second.checks);
    assert.equal(secondClaims.sub, firstClaims.sub);
    assert.equal(secondClaims.sid, firstClaims.sid, 'the same SSO session');
    assert.equal(secondClaims.auth_time, firstClaims.auth_time, 'no new authentication');

    // prompt=login: the sign-in page again, then back to the client (consent is still remembered).
    const third = await authorizationRequest(app.config, { prompt: 'login' });
    visited.length = 0;
    await page.goto(third.url.href);
    await screenshot(page, 'oidc-03-prompt-login');
    await signIn(page);
    const relanded = await expectCallback(page);
    assert.ok(!visited.some((u) => new URL(u).pathname === `/t/${tenant.slug}/oauth2/consent`), `no consent page in ${JSON.stringify(visited)}`);
    assert.equal(relanded.searchParams.get('state'), third.checks.expectedState);
    const { claims: thirdClaims } = await redeem(app.config, relanded, third.checks);
    assert.equal(thirdClaims.sub, firstClaims.sub);
    assert.ok(thirdClaims.auth_time! >= firstClaims.auth_time!, 'a fresh authentication');
  });

  test('Deny on the consent page sends the browser back with error=access_denied and the state', async (t) => {
    const app = await thirdPartyApp('Nosy Analytics');
    const page = await browserPage(t);
    const { url, checks } = await authorizationRequest(app.config);

    await page.goto(url.href);
    await signIn(page);
    await expectConsent(page, app.name);
    await page.getByRole('button', { name: 'Deny' }).click();

    const landed = await expectCallback(page);
    assert.equal(landed.searchParams.get('error'), 'access_denied');
    assert.equal(landed.searchParams.get('state'), checks.expectedState);
    assert.equal(landed.searchParams.get('iss'), tenant.issuer);
    assert.equal(landed.searchParams.get('code'), null);
    await assert.rejects(
      oidc.authorizationCodeGrant(app.config, landed, checks),
      (e: Error & { error?: string }) => e instanceof oidc.AuthorizationResponseError && e.error === 'access_denied',
    );

    // Nothing was remembered: the next request asks again.
    const again = await authorizationRequest(app.config);
    await page.goto(again.url.href);
    await expectConsent(page, app.name);
  });

  test('response_mode=form_post: Chromium auto-submits code and state to the callback', async (t) => {
    const app = await thirdPartyApp('Form Poster');
    const page = await browserPage(t);
    const { url, checks } = await authorizationRequest(app.config, { response_mode: 'form_post' });

    await page.goto(url.href);
    await signIn(page);
    await expectConsent(page, app.name);
    const [formPostPage] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === `/t/${tenant.slug}/oauth2/consent` && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    assert.equal(formPostPage.status(), 200);
    const csp = (await formPostPage.allHeaders())['content-security-policy'] ?? '';
    assert.match(csp, new RegExp(`form-action 'self' ${new URL(callback.url).origin.replace(/\./g, '\\.')}(;|$)`));
    assert.match(csp, /script-src 'nonce-[^']+'/);

    const landed = await expectCallback(page);
    assert.equal(landed.search, '', 'nothing in the query');
    const hit = callback.hits.findLast((h) => isCallback(h.url));
    assert.ok(hit);
    assert.equal(hit.method, 'POST');
    assert.equal(hit.contentType, 'application/x-www-form-urlencoded');
    const posted = new URLSearchParams(hit.body);
    assert.ok(posted.get('code'), `a code in ${hit.body}`);
    assert.equal(posted.get('state'), checks.expectedState);
    assert.equal(posted.get('iss'), tenant.issuer);
    assert.deepEqual(consoleErrors.get(page)?.filter(isCspViolation), [], 'no CSP violation on the way');

    // The relying party handles the POST as it arrived.
    const request = new Request(callback.url, { method: 'POST', headers: { 'content-type': hit.contentType }, body: hit.body });
    const { claims } = await redeem(app.config, request, checks);
    assert.equal(claims.aud, app.clientId);
  });
});
