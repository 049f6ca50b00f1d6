import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo } from '../../support/mailbox.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';
import { linkMailedTo, requestReset } from '../../support/password-reset.ts';

before(useSharedRuntimeEnvironment);

const newPassword = 'a brand new passphrase for spring 2027';

async function choose(link: string, password: string, browser: WebClient = webClient(sharedRuntime.url)) {
  const url = new URL(link);
  const form = await browser.get(`${url.pathname}${url.search}`);
  if (form.status !== 200) return form;
  return browser.postForm(url.pathname, { csrf: csrfTokenOf(form.body), token: url.searchParams.get('token')!, password });
}

async function signIn(slug: string, identifier: string, password: string, browser: WebClient = webClient(sharedRuntime.url)): Promise<number> {
  const page = await browser.get(`/t/${slug}/login`);
  return (await browser.postForm(`/t/${slug}/login`, { csrf: csrfTokenOf(page.body), identifier, password })).status;
}

const visible = (html: string) => html.replace(/<style[\s\S]*?<\/style>/, '').replace(/value="[^"]*"/g, '');

describe('forgot password', () => {
  let a: AdminApi;
  before(async () => {
    a = await adminApi();
  });

  test('answers the same for an unknown address as for an account, and mails only the account', async () => {
    const unknown = await requestReset(a.tenant.slug, 'nobody-here@example.com');
    const known = await requestReset(a.tenant.slug, a.tenant.adminEmail);
    assert.equal(unknown.status, 200);
    assert.equal(known.status, 200);
    assert.equal(visible(unknown.body), visible(known.body), 'no way to tell who has an account');
    await linkMailedTo(a.tenant.adminEmail, /Reset your/);
    assert.equal((await mailTo('nobody-here@example.com')).length, 0);
  });

  test('a link sets a new password once; the policy and the history apply; other sessions end', async () => {
    const b = await adminApi();
    const old = webClient(sharedRuntime.url);
    assert.equal(await signIn(b.tenant.slug, b.tenant.adminEmail, b.tenant.adminPassword, old), 200);
    await requestReset(b.tenant.slug, b.tenant.adminEmail);
    const link = await linkMailedTo(b.tenant.adminEmail, /Reset your/);

    const weak = await choose(link, 'short');
    assert.equal(weak.status, 400);
    const reused = await choose(link, b.tenant.adminPassword);
    assert.equal(reused.status, 400);
    assert.match(reused.body, /not used recently/);
    const done = await choose(link, newPassword);
    assert.equal(done.status, 200, done.body);
    assert.match(done.body, /Your password is set/);

    assert.equal(await signIn(b.tenant.slug, b.tenant.adminEmail, b.tenant.adminPassword), 401, 'the old password no longer works');
    assert.equal(await signIn(b.tenant.slug, b.tenant.adminEmail, newPassword), 200);
    const stale = await old.get(`/t/${b.tenant.slug}/login`);
    assert.match(stale.body, /<h1>Sign in<\/h1>/, 'the session from before the reset ended');
    assert.equal((await choose(link, 'yet another long passphrase 31')).status, 400, 'the link works once');
    const types = (await auditEventsOf(b.tenant.slug)).map((e) => e.type);
    for (const type of ['password.reset_requested', 'password.reset', 'session.ended']) assert.ok(types.includes(type), type);
  });

  test('an expired link, a garbage token and another tenant’s link are refused', async () => {
    const c = await adminApi();
    const d = await adminApi();
    await requestReset(c.tenant.slug, c.tenant.adminEmail);
    const link = await linkMailedTo(c.tenant.adminEmail, /Reset your/);
    const token = new URL(link).searchParams.get('token')!;
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${d.tenant.slug}/login/reset?token=${token}`)).status, 400, 'at another tenant');
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${c.tenant.slug}/login/reset?token=${'A'.repeat(43)}`)).status, 400);
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${c.tenant.slug}/login/reset?token=%3Cscript%3E`)).status, 400);
    await createDocumentClient().send(new UpdateCommand({ TableName: 'Sessions', Key: { pk: `TENANT#${c.tenant.slug}#ACTION#${hashToken(token)}`, sk: 'ACTION' }, UpdateExpression: 'SET expiresAtMs = :past', ExpressionAttributeValues: { ':past': Date.now() - 1 } }));
    assert.equal((await choose(link, newPassword)).status, 400, 'expired');
  });

  test('the forms refuse a missing CSRF token', async () => {
    const browser = webClient(sharedRuntime.url);
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login/forgot`, { email: a.tenant.adminEmail }, { accept: 'text/html' })).status, 403);
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login/reset`, { token: 'A'.repeat(43), password: newPassword }, { accept: 'text/html' })).status, 403);
  });
});

describe('invitations', () => {
  test('an administrator invites a user created without a password; the link sets it and verifies the email', async () => {
    const a = await adminApi();
    const user = (await a.call('POST', '/users', { emails: [{ value: 'invitee@example.com' }] })).json<{ id: string }>();
    assert.equal(await signIn(a.tenant.slug, 'invitee@example.com', newPassword), 401);
    const invited = await a.call('POST', `/users/${user.id}/invite`);
    assert.equal(invited.status, 202, invited.body);
    const link = await linkMailedTo('invitee@example.com', /invited/);
    const set = await choose(link, newPassword);
    assert.equal(set.status, 200, set.body);
    assert.equal(await signIn(a.tenant.slug, 'invitee@example.com', newPassword), 200);
    const read = (await a.call('GET', `/users/${user.id}`)).json<{ emails: Array<{ verified: boolean }> }>();
    assert.equal(read.emails[0]!.verified, true);
    const reader = await adminApi(a.tenant, 'admin:read');
    assert.equal((await reader.call('POST', `/users/${user.id}/invite`)).status, 403);
  });
});

/** The administrator signs in with the password and is shown the "Choose a new password" step instead of being signed in. */
async function passwordThenNewPasswordForm(a: AdminApi): Promise<{ browser: WebClient; form: WebResponse }> {
  const browser = webClient(sharedRuntime.url);
  const page = await browser.get(`/t/${a.tenant.slug}/login`);
  const signedIn = await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: a.tenant.adminEmail, password: a.tenant.adminPassword });
  assert.equal(signedIn.status, 303);
  const form = await browser.get(String(signedIn.headers.location));
  assert.match(form.body, /<h1>Choose a new password<\/h1>/);
  return { browser, form };
}

describe('password expiry (off by default)', () => {
  test('with a maximum age, a password older than it must be changed at the next sign-in; the new one is good for another period', async () => {
    const a = await adminApi();
    const userId = (await a.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    assert.equal((await a.call('GET', '/settings')).json<{ passwordPolicy: { maxAgeDays?: number } }>().passwordPolicy.maxAgeDays, undefined, 'no maximum age by default');
    // (Warm functions read tenant settings at most 30 s old: this tenant's login has not been used yet.)
    const settings = await a.call('PATCH', '/settings', { passwordPolicy: { maxAgeDays: 90 } });
    assert.equal(settings.status, 200, settings.body);
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, a.tenant.adminPassword), 200, 'a fresh password is fine');
    // The password was set 100 days ago.
    await createDocumentClient().send(new UpdateCommand({ TableName: 'Directory', Key: { pk: `TENANT#${a.tenant.slug}`, sk: `USER#${userId}` }, UpdateExpression: 'SET passwordSetAt = :t', ExpressionAttributeValues: { ':t': new Date(Date.now() - 100 * 86_400_000).toISOString() } }));
    const { browser, form } = await passwordThenNewPasswordForm(a);
    assert.equal(browser.jar.has('idp_session'), false, 'no session before the change');
    const changed = await browser.postForm(`/t/${a.tenant.slug}/login/step/password`, { csrf: csrfTokenOf(form.body), password: 'an expired one replaced 2026' });
    assert.equal(changed.status, 200, changed.body);
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, 'an expired one replaced 2026'), 200, 'the new password starts a new period');
    const changedEvent = (await auditEventsOf(a.tenant.slug)).find((e) => e.type === 'password.changed');
    assert.equal(changedEvent?.details.reason, 'expired');
  });
});

describe('a new password required by an administrator', () => {
  test('the next sign-in asks for a new password (policy and history apply) before it completes; the old one stops working', async () => {
    const a = await adminApi();
    const userId = (await a.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const required = await a.call('POST', `/users/${userId}/require-password-change`);
    assert.equal(required.status, 200, required.body);
    assert.equal(required.json<{ passwordChangeRequired: boolean }>().passwordChangeRequired, true);

    const { browser, form } = await passwordThenNewPasswordForm(a);
    const same = await browser.postForm(`/t/${a.tenant.slug}/login/step/password`, { csrf: csrfTokenOf(form.body), password: a.tenant.adminPassword });
    assert.equal(same.status, 400, 'the current password is in the history');
    assert.equal(browser.jar.has('idp_session'), false, 'no session yet');
    const changed = await browser.postForm(`/t/${a.tenant.slug}/login/step/password`, { csrf: csrfTokenOf(same.body), password: newPassword });
    assert.equal(changed.status, 200, changed.body);
    assert.match(changed.body, /You are signed in/);
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, a.tenant.adminPassword), 401);
    assert.equal(await signIn(a.tenant.slug, a.tenant.adminEmail, newPassword), 200, 'and the next sign-in is an ordinary one');
    assert.equal((await a.call('GET', `/users/${userId}`)).json<{ passwordChangeRequired?: boolean }>().passwordChangeRequired, undefined);
    assert.equal((await browser.postForm(`/t/${a.tenant.slug}/login/step/password`, { csrf: csrfTokenOf(same.body), password: 'another long passphrase 77' })).status, 303, 'nothing left to change: back to the start');
  });
});
