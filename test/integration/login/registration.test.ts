import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo } from '../../support/mailbox.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const password = 'a fresh and unusual passphrase 11';

async function register(slug: string, fields: Record<string, string>) {
  const browser = webClient(sharedRuntime.url);
  const form = await browser.get(`/t/${slug}/login/register`);
  return browser.postForm(`/t/${slug}/login/register`, { csrf: csrfTokenOf(form.body), ...fields });
}

async function signIn(slug: string, identifier: string, secret: string): Promise<number> {
  const browser = webClient(sharedRuntime.url);
  const page = await browser.get(`/t/${slug}/login`);
  return (await browser.postForm(`/t/${slug}/login`, { csrf: csrfTokenOf(page.body), identifier, password: secret })).status;
}

/** A tenant with self-registration on, switched before its login pages are first read (they cache the tenant for 30 s). */
async function openTenant(): Promise<AdminApi> {
  const a = await adminApi();
  assert.equal((await a.call('PATCH', '/settings', { selfRegistration: true })).status, 200);
  return a;
}

describe('self-registration', () => {
  test('is not offered where the tenant has not turned it on', async () => {
    const a = await adminApi();
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/login/register`, { accept: 'text/html' })).status, 404);
    assert.doesNotMatch((await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/login`)).body, /Create an account/);
  });

  test('creates a pending account that signs in only after the emailed link is confirmed, once', async () => {
    const a = await openTenant();
    assert.match((await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/login`)).body, /Create an account/);
    const weak = await register(a.tenant.slug, { email: 'newcomer@example.com', password: 'newcomer1234' });
    assert.equal(weak.status, 400);
    assert.match(weak.body, /value="newcomer@example.com"/, 'the form keeps what was typed');
    const done = await register(a.tenant.slug, { givenName: 'Nia', familyName: 'Newcomer', email: 'newcomer@example.com', password });
    assert.equal(done.status, 200, done.body);
    assert.match(done.body, /Check your email/);
    assert.equal(await signIn(a.tenant.slug, 'newcomer@example.com', password), 401, 'not before the address is confirmed');

    const mail = await eventually('the confirmation mail', async () => (await mailTo('newcomer@example.com')).find((m) => /Confirm your/.test(m.subject)));
    const link = new URL(/https?:\/\/\S+\/login\/verify\?token=[A-Za-z0-9_-]{43}/.exec(mail.body.text ?? '')![0]);
    const browser = webClient(sharedRuntime.url);
    const page = await browser.get(`${link.pathname}${link.search}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Confirm my email/, 'following the link alone changes nothing');
    assert.equal(await signIn(a.tenant.slug, 'newcomer@example.com', password), 401);
    const confirmed = await browser.postForm(link.pathname, { csrf: csrfTokenOf(page.body), token: link.searchParams.get('token')! });
    assert.equal(confirmed.status, 200, confirmed.body);
    assert.match(confirmed.body, /Your account is ready/);
    assert.equal(await signIn(a.tenant.slug, 'newcomer@example.com', password), 200);
    assert.equal((await browser.postForm(link.pathname, { csrf: csrfTokenOf(page.body), token: link.searchParams.get('token')! })).status, 400, 'the link works once');

    const user = (await a.call('GET', '/users?limit=200')).json<{ items: Array<{ userName: string; status: string; emails: Array<{ verified: boolean }> }> }>().items.find((u) => u.userName === 'newcomer@example.com')!;
    assert.equal(user.status, 'active');
    assert.equal(user.emails[0]!.verified, true);
    const types = (await auditEventsOf(a.tenant.slug)).map((e) => e.type);
    assert.ok(types.includes('user.registered') && types.includes('user.email_verified'));
  });

  test('an address that has an account gets the same page, and its owner a mail; no second account', async () => {
    const a = await openTenant();
    const res = await register(a.tenant.slug, { email: a.tenant.adminEmail, password });
    assert.equal(res.status, 200);
    assert.match(res.body, /Check your email/);
    await eventually('the notice to the owner', async () => (await mailTo(a.tenant.adminEmail)).find((m) => /tried to sign up/.test(m.subject)));
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, password), 401, 'the password of the attempt does nothing');
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, a.tenant.adminPassword), 200);
  });

  test('refuses a missing CSRF token, and a verification link at another tenant', async () => {
    const a = await openTenant();
    const b = await openTenant();
    assert.equal((await webClient(sharedRuntime.url).postForm(`/t/${a.tenant.slug}/login/register`, { email: 'x@example.com', password }, { accept: 'text/html' })).status, 403);
    await register(a.tenant.slug, { email: 'wanderer@example.com', password });
    const mail = await eventually('the confirmation mail', async () => (await mailTo('wanderer@example.com')).find((m) => /Confirm your/.test(m.subject)));
    const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.body.text ?? '')![1]!;
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${b.tenant.slug}/login/verify?token=${token}`)).status, 400);
  });
});
