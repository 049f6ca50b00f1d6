import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { admin, browserContexts, expectSignedIn, expectStep, loginPath, navigateBy, passwordStep, publishFlow } from '../support/sign-in-pages.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';

/** Passkeys may sign in on their own (first step) and are a second factor that administrators must have. */
const passkeyFlow = {
  steps: [{ options: ['password', 'webauthn'] }, { options: ['webauthn', 'totp', 'recovery_code'], optional: true }],
  rules: [{ description: 'administrators use a second factor', when: { memberOf: 'administrators' }, then: { requireStep: 2 } }],
};

type VirtualCredential = { credentialId: string; isResidentCredential: boolean; rpId?: string; privateKey: string; userHandle?: string; signCount: number };

/**
 * Chromium's virtual authenticator (DevTools protocol WebAuthn domain): a platform authenticator
 * with resident keys and user verification that answers without a person touching it.
 */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, id: authenticatorId };
}

const credentialsOf = async (authenticator: { cdp: CDPSession; id: string }) => (await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.id })).credentials as VirtualCredential[];

/** A second device holding the same passkey (as a synced passkey would be), with the counter it had when copied. */
async function deviceWith(page: Page, credential: VirtualCredential) {
  const authenticator = await virtualAuthenticator(page);
  await authenticator.cdp.send('WebAuthn.addCredential', { authenticatorId: authenticator.id, credential });
  return authenticator;
}

/** The tenant's only user so far: its administrator. */
const adminId = async (api: AdminApi) => (await api.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;

const hasSession = async (page: Page) => (await page.context().cookies()).some((c) => c.name === 'idp_session');

/** The login page's passkey button pressed: the form posts the assertion, and the answer after redirects. */
const passkeyButton = (page: Page) => navigateBy(page, () => page.getByRole('button', { name: 'Sign in with a passkey' }).click());

let browser: Browser;
before(async () => {
  useSharedRuntimeEnvironment();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe('passkeys in Chromium with a virtual authenticator', { timeout: 120_000 }, () => {
  test('an administrator creates a passkey at the second step, then signs in with it alone, and uses it as the second step after a password', async (t) => {
    const api = await adminApi();
    await publishFlow(api, passkeyFlow);
    const contexts = browserContexts(browser, t);

    const page = await contexts.open();
    const device = await virtualAuthenticator(page);
    await passwordStep(page, api, admin(api));
    await expectStep(page, api, 'Create a passkey');
    assert.ok(await page.getByRole('link', { name: 'Use an authenticator app instead' }).isVisible(), 'an authenticator app is offered instead');
    await screenshot(page, 'passkey-01-enrol');
    await navigateBy(page, () => page.getByRole('button', { name: 'Create a passkey' }).click());
    await expectHeading(page, 'Save your recovery codes');
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await navigateBy(page, () => page.getByRole('button', { name: 'I saved them, continue' }).click());
    await expectSignedIn(page, admin(api));
    const [credential] = await credentialsOf(device);
    assert.ok(credential?.isResidentCredential, 'a discoverable credential');
    assert.equal(credential.rpId, 'localhost');
    assert.equal(Buffer.from(credential.userHandle!, 'base64').toString(), await adminId(api), 'the user handle is the opaque user id, nothing personal');

    const factors = await api.call('GET', `/users/${await adminId(api)}/factors`);
    const listed = factors.json<{ items: Array<{ kind: string; deviceType?: string; publicKey?: string }> }>().items;
    assert.deepEqual(listed.map((f) => f.kind).sort(), ['recovery_codes', 'webauthn']);
    assert.equal(listed.find((f) => f.kind === 'webauthn')!.publicKey, undefined, 'the key itself is not shown');

    // Another browser with the same passkey: no username, no password, and no second step (the passkey covers it).
    const other = await contexts.open();
    const otherDevice = await deviceWith(other, credential);
    await other.goto(`${sharedRuntime.url}${loginPath(api)}`);
    await screenshot(other, 'passkey-02-login-page');
    const answer = await passkeyButton(other);
    assert.equal(answer.status(), 200);
    await expectSignedIn(other, admin(api));

    // A third browser (with the passkey as the last one left it, counter included): the password, then the passkey as the second step.
    const third = await contexts.open();
    await deviceWith(third, (await credentialsOf(otherDevice))[0]!);
    await passwordStep(third, api, admin(api));
    await expectStep(third, api, 'Use your passkey');
    await navigateBy(third, () => third.getByRole('button', { name: 'Use my passkey' }).click());
    await expectSignedIn(third, admin(api));

    const events = await auditEventsOf(api.tenant.slug);
    const sessions = events.filter((e) => e.type === 'session.started').map((e) => JSON.stringify(e.details.amr));
    // Enrolment (password + new passkey), the passkey alone (user verified: a second factor in one gesture), password + passkey.
    assert.deepEqual(sessions.sort(), ['["hwk","mfa"]', '["pwd","hwk","mfa"]', '["pwd","hwk","mfa"]']);
    assert.ok(events.some((e) => e.type === 'signin.success' && e.details.method === 'webauthn'));
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.details.kind === 'webauthn'));
    contexts.expectNoCspViolations();
  });

  test('hostile: a replayed assertion, a cloned authenticator, another tenant\'s passkey and malformed answers are refused without a session', async (t) => {
    const api = await adminApi();
    const elsewhere = await adminApi();
    await publishFlow(api, passkeyFlow);
    await publishFlow(elsewhere, passkeyFlow);
    const contexts = browserContexts(browser, t);

    const page = await contexts.open();
    const device = await virtualAuthenticator(page);
    await passwordStep(page, api, admin(api));
    await navigateBy(page, () => page.getByRole('button', { name: 'Create a passkey' }).click());
    await navigateBy(page, () => page.getByRole('button', { name: 'I saved them, continue' }).click());
    const [enrolled] = await credentialsOf(device);

    // A signed-in passkey assertion, captured as the form posts it.
    const signIn = await contexts.open();
    const clone = await deviceWith(signIn, enrolled!);
    await signIn.goto(`${sharedRuntime.url}${loginPath(api)}`);
    const posted = signIn.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/login/passkey'));
    await passkeyButton(signIn);
    await expectSignedIn(signIn, admin(api));
    const form = (await posted).postData()!;

    // The same form again from a fresh browser: the ceremony is spent.
    const replay = await contexts.open();
    await replay.goto(`${sharedRuntime.url}${loginPath(api)}`);
    const csrf = await replay.locator('#passkey-form [name="csrf"]').inputValue();
    const replayed = await replay.request.post(`${sharedRuntime.url}${loginPath(api)}/passkey`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sharedRuntime.url }, data: new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(form)), csrf }).toString(), maxRedirects: 0 });
    assert.equal(replayed.status(), 401);
    assert.match(await replayed.text(), /That passkey could not sign you in/);

    // The old assertion against a live ceremony of this browser: its challenge is not this ceremony's.
    const ceremony = await replay.locator('#passkey-form [name="ceremony"]').inputValue();
    const wrongChallenge = await replay.request.post(`${sharedRuntime.url}${loginPath(api)}/passkey`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sharedRuntime.url }, data: new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(form)), csrf, ceremony }).toString(), maxRedirects: 0 });
    assert.equal(wrongChallenge.status(), 401);

    // Malformed answers: not JSON, the wrong shape, oversized, no ceremony.
    for (const [name, fields] of [
      ['not JSON', { credential: '{not json' }],
      ['wrong shape', { credential: JSON.stringify({ id: 'x', rawId: 'y', type: 'public-key', response: {} }) }],
      ['oversized', { credential: 'A'.repeat(70_000) }],
      ['no ceremony', { ceremony: '' }],
    ] as const) {
      await replay.goto(`${sharedRuntime.url}${loginPath(api)}`);
      const fresh = { csrf: await replay.locator('#passkey-form [name="csrf"]').inputValue(), ceremony: await replay.locator('#passkey-form [name="ceremony"]').inputValue() };
      const refused = await replay.request.post(`${sharedRuntime.url}${loginPath(api)}/passkey`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sharedRuntime.url }, data: new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(form)), ...fresh, ...fields }).toString(), maxRedirects: 0 });
      assert.ok([400, 401, 413].includes(refused.status()), `${name}: ${refused.status()}`);
      assert.doesNotMatch(await refused.text(), /at \w+ \(|stack/i, `${name}: no stack trace`);
    }
    assert.equal(await hasSession(replay), false, 'no session from any of it');

    // A cloned authenticator: a copy taken before the last sign-in signs with a counter that went backwards.
    const stale = await contexts.open();
    await deviceWith(stale, enrolled!);
    await stale.goto(`${sharedRuntime.url}${loginPath(api)}`);
    const cloned = await passkeyButton(stale);
    assert.equal(cloned.status(), 401, 'the signature counter did not move forward');
    assert.equal(await hasSession(stale), false);
    assert.ok((await credentialsOf(clone)).length === 1);

    // Another tenant on the same host: the browser offers the passkey (same relying party), the tenant knows no such user.
    const foreign = await contexts.open();
    await deviceWith(foreign, (await credentialsOf(clone))[0]!);
    await foreign.goto(`${sharedRuntime.url}/t/${elsewhere.tenant.slug}/login`);
    const crossTenant = await passkeyButton(foreign);
    assert.equal(crossTenant.status(), 401);
    await expectHeading(foreign, 'Sign in');
    assert.equal(await hasSession(foreign), false);
    const reasons = (await auditEventsOf(elsewhere.tenant.slug)).filter((e) => e.type === 'signin.failure').map((e) => e.details.reason);
    assert.deepEqual(reasons, ['unknown_passkey']);
    const here = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'signin.failure').map((e) => e.details.reason);
    assert.ok(here.includes('passkey_challenge_unknown') && here.includes('passkey_rejected'), JSON.stringify(here));
    contexts.expectNoCspViolations();
  });

  test('a signed-in user adds a passkey through the account API (as the account portal will), then signs in with it alone', async (t) => {
    const api = await adminApi();
    await publishFlow(api, { steps: [{ options: ['password', 'webauthn'] }] });
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    const device = await virtualAuthenticator(page);
    await passwordStep(page, api, admin(api));
    await expectSignedIn(page, admin(api));

    const base = `/t/${api.tenant.slug}/account/api/factors`;
    const answer = await page.evaluate(async (base) => {
      const decode = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
      const encode = (b: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
      const { ceremony, publicKey } = await (await post(`${base}/passkeys/options`, {})).json();
      const created = (await navigator.credentials.create({ publicKey: { ...publicKey, challenge: decode(publicKey.challenge), user: { ...publicKey.user, id: decode(publicKey.user.id) }, excludeCredentials: [] } })) as PublicKeyCredential;
      const response = created.response as AuthenticatorAttestationResponse;
      const credential = { id: created.id, rawId: encode(created.rawId), type: created.type, response: { clientDataJSON: encode(response.clientDataJSON), attestationObject: encode(response.attestationObject), transports: response.getTransports() }, clientExtensionResults: {} };
      const added = await post(`${base}/passkeys`, { ceremony, credential, label: 'Work laptop' });
      return { status: added.status, body: await added.json() };
    }, base);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.factor.kind, 'webauthn');
    assert.equal(answer.body.factor.label, 'Work laptop');
    assert.equal(answer.body.recoveryCodes.length, 10, 'the first strong factor comes with recovery codes');

    const other = await contexts.open();
    await deviceWith(other, (await credentialsOf(device))[0]!);
    await other.goto(`${sharedRuntime.url}${loginPath(api)}`);
    await passkeyButton(other);
    await expectSignedIn(other, admin(api));
    contexts.expectNoCspViolations();
  });

  test('the login page offers no passkey when the flow does not take one', async (t) => {
    const api = await adminApi();
    const page = await browserContexts(browser, t).open();
    await page.goto(`${sharedRuntime.url}${loginPath(api)}`);
    await expectHeading(page, 'Sign in');
    assert.equal(await page.locator('#passkey-form').count(), 0);
    const refused = await page.request.post(`${sharedRuntime.url}${loginPath(api)}/passkey`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sharedRuntime.url }, data: `csrf=${await page.locator('[name="csrf"]').first().inputValue()}&ceremony=${'a'.repeat(43)}&credential=%7B%7D`, maxRedirects: 0 });
    assert.equal(refused.status(), 401);
  });
});
