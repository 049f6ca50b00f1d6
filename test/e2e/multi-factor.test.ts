import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { expectHeading, launchChromium, screenshot } from '../support/browser.ts';
import { admin, browserContexts, expectSignedIn, expectStep, navigateBy, nextCode, passwordStep, pathsVisitedBy, publishFlow, stepPath, type Person } from '../support/sign-in-pages.ts';
import { mailTo } from '../support/mailbox.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { eventually } from '../support/wait.ts';

/** The flow of the README: a password, then a second factor that the rules make required for administrators. */
const mfaForAdministrators = {
  steps: [{ options: ['password'] }, { options: ['totp', 'email_otp', 'recovery_code'], optional: true }],
  rules: [{ description: 'administrators use a second factor', when: { memberOf: 'administrators' }, then: { requireStep: 2 } }],
};

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/**
 * The administrator's first sign-in under the flow, in its own context: the password, the
 * enrolment page (QR code and key), a code from the key, the ten recovery codes, and signed in.
 */
async function enrolInChromium(api: AdminApi, contexts: ReturnType<typeof browserContexts>, shots?: string): Promise<{ secret: string; codes: string[] }> {
  const page = await contexts.open();
  const submitted = await passwordStep(page, api, admin(api));
  assert.equal(submitted.url(), `${sharedRuntime.url}${stepPath(api)}`, 'the password leads to the second step');
  await expectStep(page, api, 'Set up two-step verification');

  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
  const qrSize = await qr.evaluate((img: HTMLImageElement) =>
    img.complete ? img.naturalWidth : new Promise<number>((done) => img.addEventListener('load', () => done(img.naturalWidth), { once: true })),
  );
  assert.ok(qrSize > 0, `the QR image decoded (naturalWidth ${qrSize})`);
  const manualKey = ((await page.locator('#manual-key').textContent()) ?? '').trim();
  assert.match(manualKey, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, 'the key in groups of four');
  const secret = manualKey.replace(/ /g, '');
  if (shots) await screenshot(page, `${shots}-enrol`);

  await page.getByLabel('Code from the app').fill(await generate({ secret }));
  const enrolled = await navigateBy(page, () => page.getByRole('button', { name: 'Turn on two-step verification' }).click());
  assert.equal(enrolled.status(), 200);
  await expectHeading(page, 'Save your recovery codes');
  const codes = (await page.locator('#recovery-codes li').allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10, JSON.stringify(codes));
  assert.equal(new Set(codes).size, 10, 'all different');
  for (const code of codes) assert.match(code, /^[0-9A-Z-]{14}$/);
  if (shots) await screenshot(page, `${shots}-recovery-codes`);

  await navigateBy(page, () => page.getByRole('button', { name: 'I saved them, continue' }).click());
  await expectSignedIn(page, admin(api));
  return { secret, codes };
}

describe('multi-factor sign-in in Chromium', { timeout: 120_000 }, () => {
  test('an administrator enrols an authenticator app at the first sign-in, then signs in with the password and a code', async (t) => {
    const api = await adminApi();
    await publishFlow(api, mfaForAdministrators);
    const contexts = browserContexts(browser, t);
    const { secret } = await enrolInChromium(api, contexts, 'mfa-01');

    // A new context is a new browser: the password, then the authenticator app's code.
    const page = await contexts.open();
    await passwordStep(page, api, admin(api));
    await expectStep(page, api, 'Enter the code from your authenticator app');
    assert.ok(await page.getByRole('link', { name: 'Use a recovery code' }).isVisible(), 'recovery codes are offered too');
    await screenshot(page, 'mfa-02-totp-step');
    await page.locator('#code').fill(await nextCode(secret));
    const verified = await navigateBy(page, () => page.getByRole('button', { name: 'Verify' }).click());
    assert.equal(verified.status(), 200);
    await expectSignedIn(page, admin(api));
    contexts.expectNoCspViolations();
  });

  test('a recovery code signs in once; the same code again is refused with a visible error', async (t) => {
    const api = await adminApi();
    await publishFlow(api, mfaForAdministrators);
    const contexts = browserContexts(browser, t);
    const { codes } = await enrolInChromium(api, contexts);
    const code = codes[4]!;

    const page = await contexts.open();
    await passwordStep(page, api, admin(api));
    await expectStep(page, api, 'Enter the code from your authenticator app');
    await navigateBy(page, () => page.getByRole('link', { name: 'Use a recovery code' }).click());
    await expectHeading(page, 'Use a recovery code');
    assert.equal(new URL(page.url()).search, '?method=recovery_code');
    await page.locator('#code').fill(code);
    await navigateBy(page, () => page.getByRole('button', { name: 'Verify' }).click());
    await expectSignedIn(page, admin(api));

    const again = await contexts.open();
    await passwordStep(again, api, admin(api));
    await expectStep(again, api, 'Enter the code from your authenticator app');
    await navigateBy(again, () => again.getByRole('link', { name: 'Use a recovery code' }).click());
    await expectHeading(again, 'Use a recovery code');
    await again.locator('#code').fill(code);
    const refused = await navigateBy(again, () => again.getByRole('button', { name: 'Verify' }).click());
    assert.equal(refused.status(), 401);
    await expectHeading(again, 'Use a recovery code');
    const alert = again.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    // A spent code is deleted from the stored set, so it reads as any wrong code.
    assert.equal((await alert.textContent())?.trim(), 'That code is not right. Try again.');
    assert.equal((await again.context().cookies()).filter((c) => c.name === 'idp_session').length, 0, 'no session');
    await screenshot(again, 'mfa-03-recovery-code-spent');
    contexts.expectNoCspViolations();
  });

  test('an emailed code, read from the SES stand-in', async (t) => {
    const api = await adminApi();
    await publishFlow(api, { ...mfaForAdministrators, steps: [{ options: ['password'] }, { options: ['email_otp'], optional: true }] });
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    await passwordStep(page, api, admin(api));
    await expectStep(page, api, 'Check your email');
    await screenshot(page, 'mfa-04-email-step');

    const mail = await eventually('the sign-in code mail', async () =>
      (await mailTo(api.tenant.adminEmail)).find((m) => /sign-in code: \d{6}$/.test(m.subject)),
    );
    const code = /sign-in code: (\d{6})$/.exec(mail.subject)![1]!;
    assert.match(mail.body.text ?? '', new RegExp(`\\b${code}\\b`), 'the body carries the same code');
    await page.locator('#code').fill(code);
    const verified = await navigateBy(page, () => page.getByRole('button', { name: 'Verify' }).click());
    assert.equal(verified.status(), 200);
    await expectSignedIn(page, admin(api));
    contexts.expectNoCspViolations();
  });

  test('the second step is asked of administrators only: a member signs in with the password alone', async (t) => {
    const api = await adminApi();
    await publishFlow(api, mfaForAdministrators);
    const member: Person = { email: `member-${api.tenant.slug}@example.com`, password: 'an unrelated long passphrase 9' };
    const created = await api.call('POST', '/users', { emails: [{ value: member.email }], password: member.password });
    assert.equal(created.status, 201, created.body);
    const contexts = browserContexts(browser, t);

    const page = await contexts.open();
    const visited = pathsVisitedBy(page);
    const answer = await passwordStep(page, api, member);
    assert.equal(answer.status(), 200);
    await expectSignedIn(page, member);
    assert.ok(!visited.includes(stepPath(api)), `no step page in ${JSON.stringify(visited)}`);

    const adminPage = await contexts.open();
    await passwordStep(adminPage, api, admin(api));
    await expectStep(adminPage, api, 'Set up two-step verification');
    assert.equal((await adminPage.context().cookies()).filter((c) => c.name === 'idp_session').length, 0, 'not signed in yet');
    contexts.expectNoCspViolations();
  });

  test('a later rule skips the second step from an allowed network: the administrator on loopback signs in with the password alone', async (t) => {
    const api = await adminApi();
    await publishFlow(api, {
      ...mfaForAdministrators,
      rules: [...mfaForAdministrators.rules, { description: 'not from loopback', when: { ipIn: ['127.0.0.0/8'] }, then: { skipStep: 2 } }],
    });
    const contexts = browserContexts(browser, t);
    const page = await contexts.open();
    const visited = pathsVisitedBy(page);
    const answer = await passwordStep(page, api, admin(api));
    assert.equal(answer.status(), 200);
    await expectSignedIn(page, admin(api));
    assert.ok(!visited.includes(stepPath(api)), `no step page in ${JSON.stringify(visited)}`);
    contexts.expectNoCspViolations();
  });
});
