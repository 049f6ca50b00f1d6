import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generate } from 'otplib';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { sessionPk } from '../../../shared/adapters/dynamodb/keys.ts';
import { hashToken } from '../../../shared/domain/auth/sso-session.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient } from '../../support/web-client.ts';
import { accountCall, signedInBrowser, siteOrigin } from '../../support/account-api.ts';

before(useSharedRuntimeEnvironment);

const origin = siteOrigin;
const api = (a: AdminApi) => `/t/${a.tenant.slug}/account/api`;

/** Makes the browser's session look signed in eleven minutes ago (the recent-sign-in window is ten). */
async function ageSession(a: AdminApi, browser: WebClient): Promise<void> {
  const cookie = browser.jar.get('idp_session')!.value;
  await createDocumentClient().send(new UpdateCommand({ TableName: 'Sessions', Key: { pk: sessionPk(a.tenant.slug, hashToken(cookie)), sk: 'SESSION' }, UpdateExpression: 'SET authTime = authTime - :age', ExpressionAttributeValues: { ':age': 11 * 60_000 } }));
}

const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

describe('account API: a user manages their own factors', () => {
  test('an authenticator app: offered, a wrong code, confirmed with recovery codes, listed, removed; every change audited', async () => {
    const a = await adminApi();
    const browser = await signedInBrowser(a);
    assert.deepEqual((await accountCall(browser, 'GET', `${api(a)}/factors`)).json(), { items: [] });

    const offer = await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {});
    assert.equal(offer.status, 201, offer.body);
    const { ceremony, otpauthUri, qrCode, manualKey } = offer.json<{ ceremony: string; otpauthUri: string; qrCode: string; manualKey: string }>();
    assert.match(otpauthUri, /^otpauth:\/\/totp\//);
    assert.match(qrCode, /^data:image\/png;base64,/);
    assert.equal(offer.headers['cache-control'], 'no-store');
    const secret = manualKey.replace(/ /g, '');

    const wrong = await accountCall(browser, 'POST', `${api(a)}/factors/totp/confirm`, { ceremony, code: '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json<{ code: string }>().code, 'invalid_code');
    const confirmed = await accountCall(browser, 'POST', `${api(a)}/factors/totp/confirm`, { ceremony, code: await generate({ secret }) });
    assert.equal(confirmed.status, 201, confirmed.body);
    const { factor, recoveryCodes } = confirmed.json<{ factor: { id: string; kind: string }; recoveryCodes: string[] }>();
    assert.equal(factor.kind, 'totp');
    assert.equal(recoveryCodes.length, 10);
    assert.equal((await accountCall(browser, 'POST', `${api(a)}/factors/totp/confirm`, { ceremony, code: await nextCode(secret) })).json<{ code: string }>().code, 'invalid_ceremony', 'the set-up is spent');
    assert.equal((await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {})).status, 409, 'one authenticator app at a time');

    const listed = (await accountCall(browser, 'GET', `${api(a)}/factors`)).json<{ items: Array<{ id: string; kind: string; remaining?: number; sealedSecret?: string; codes?: unknown }> }>().items;
    assert.deepEqual(listed.map((f) => f.kind).sort(), ['recovery_codes', 'totp']);
    assert.ok(listed.every((f) => f.sealedSecret === undefined && f.codes === undefined), 'no secret or hash is shown');

    const renewed = await accountCall(browser, 'POST', `${api(a)}/factors/recovery-codes`, {});
    assert.equal(renewed.status, 201);
    assert.notDeepEqual(renewed.json<{ recoveryCodes: string[] }>().recoveryCodes, recoveryCodes);

    assert.equal((await accountCall(browser, 'DELETE', `${api(a)}/factors/${factor.id}`)).status, 204);
    assert.deepEqual((await accountCall(browser, 'GET', `${api(a)}/factors`)).json<{ items: Array<{ kind: string }> }>().items.map((f) => f.kind), ['recovery_codes']);
    assert.equal((await accountCall(browser, 'DELETE', `${api(a)}/factors/${factor.id}`)).status, 404);

    const events = await auditEventsOf(a.tenant.slug);
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.details.kind === 'totp'));
    assert.ok(events.some((e) => e.type === 'factor.removed' && e.details.kind === 'totp' && e.details.reason === 'by_user'));
    assert.equal(events.filter((e) => e.type === 'factor.enrolled' && e.details.kind === 'recovery_codes').length, 2);
  });

  test('changes need a sign-in in the last ten minutes: the answer says where to sign in again, and that sign-in comes back to the account', async () => {
    const a = await adminApi();
    const browser = await signedInBrowser(a);
    await ageSession(a, browser);
    assert.equal((await accountCall(browser, 'GET', `${api(a)}/factors`)).status, 200, 'reading does not need it');
    const refused = await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {});
    assert.equal(refused.status, 403);
    const problem = refused.json<{ code: string; reauthenticate: string }>();
    assert.equal(problem.code, 'reauthentication_required');
    assert.equal(problem.reauthenticate, `/t/${a.tenant.slug}/login?prompt=login&return_to=${encodeURIComponent(`/t/${a.tenant.slug}/account`)}`);

    const oldSession = browser.jar.get('idp_session')!.value;
    const form = await browser.get(problem.reauthenticate);
    assert.equal(form.status, 200, 'the login form, although a session exists');
    assert.match(form.body, new RegExp(`name="return_to" value="/t/${a.tenant.slug}/account"`));
    const again = await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(form.body), identifier: a.tenant.adminEmail, password: a.tenant.adminPassword, return_to: `/t/${a.tenant.slug}/account` });
    assert.equal(again.status, 303);
    assert.equal(again.headers.location, `/t/${a.tenant.slug}/account`);
    assert.notEqual(browser.jar.get('idp_session')!.value, oldSession, 'a new session');
    assert.equal((await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {})).status, 201);

    // Only the tenant's own account pages are a place to return to.
    for (const elsewhere of ['https://evil.example/', '//evil.example/', `/t/${a.tenant.slug}/api/v1/users`, `/t/other/account`, `/t/${a.tenant.slug}/account/../api`]) {
      const page = await webClient(sharedRuntime.url).get(`/t/${a.tenant.slug}/login?return_to=${encodeURIComponent(elsewhere)}`);
      assert.doesNotMatch(page.body, /name="return_to"/, elsewhere);
    }
  });

  test('hostile: no session, another site, another user\'s set-up or factor, another tenant, malformed bodies', async () => {
    const a = await adminApi();
    const b = await adminApi();
    const browser = await signedInBrowser(a);

    const anonymous = await accountCall(webClient(sharedRuntime.url), 'GET', `${api(a)}/factors`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json<{ code: string; login: string }>().code, 'login_required');
    assert.match(String(anonymous.headers['content-type']), /application\/problem\+json/);

    for (const headers of [{}, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Array<Record<string, string>>) {
      const res = await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {}, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.json<{ code: string }>().code, 'cross_site_request');
    }
    assert.equal((await accountCall(browser, 'POST', `${api(a)}/factors/totp`, {}, { 'sec-fetch-site': 'same-origin' })).status, 201, 'Sec-Fetch-Site alone is enough when a browser sends no Origin');

    // Another user's enrolment: a second user of the same tenant starts one; the first cannot finish it.
    const member = { email: `member-${a.tenant.slug}@example.com`, password: 'an unrelated long passphrase 9' };
    assert.equal((await a.call('POST', '/users', { emails: [{ value: member.email }], password: member.password })).status, 201);
    const memberBrowser = await signedInBrowser(a, member);
    const theirs = (await accountCall(memberBrowser, 'POST', `${api(a)}/factors/totp`, {})).json<{ ceremony: string; manualKey: string }>();
    const stolen = await accountCall(browser, 'POST', `${api(a)}/factors/totp/confirm`, { ceremony: theirs.ceremony, code: await generate({ secret: theirs.manualKey.replace(/ /g, '') }) });
    assert.equal(stolen.json<{ code: string }>().code, 'invalid_ceremony');
    const theirFactor = await accountCall(memberBrowser, 'POST', `${api(a)}/factors/recovery-codes`, {});
    assert.equal(theirFactor.status, 201);
    const theirId = (await accountCall(memberBrowser, 'GET', `${api(a)}/factors`)).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    assert.equal((await accountCall(browser, 'DELETE', `${api(a)}/factors/${theirId}`)).status, 404, 'another user\'s factor is not found');
    assert.equal((await accountCall(memberBrowser, 'GET', `${api(a)}/factors`)).json<{ items: unknown[] }>().items.length, 1, 'and is still there');

    // Another tenant: the session cookie of tenant A, sent to tenant B's account API, is no session there.
    const cookie = `idp_session=${browser.jar.get('idp_session')!.value}`;
    const crossTenant = await webClient(sharedRuntime.url).send('GET', `${api(b)}/factors`, undefined, { cookie, accept: 'application/json' });
    assert.equal(crossTenant.status, 401);
    const bBrowser = await signedInBrowser(b);
    const aCeremony = (await accountCall(browser, 'POST', `${api(a)}/factors/passkeys/options`, {})).json<{ ceremony: string }>().ceremony;
    const bUse = await accountCall(bBrowser, 'POST', `${api(b)}/factors/passkeys`, { ceremony: aCeremony, credential: { id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 'AA', attestationObject: 'AA' } } });
    assert.equal(bUse.status, 400);
    assert.equal(bUse.json<{ code: string }>().code, 'invalid_passkey');

    // Malformed: not JSON, a form, wrong types, an oversized credential, a garbage passkey.
    const options = (await accountCall(browser, 'POST', `${api(a)}/factors/passkeys/options`, {})).json<{ ceremony: string; publicKey: { challenge: string; rp: { id: string }; authenticatorSelection: { residentKey: string; userVerification: string } } }>();
    assert.equal(options.publicKey.rp.id, 'localhost');
    assert.deepEqual([options.publicKey.authenticatorSelection.residentKey, options.publicKey.authenticatorSelection.userVerification], ['required', 'required']);
    for (const [name, body, contentType] of [
      ['not JSON', '{"ceremony": ', 'application/json'],
      ['a form', 'ceremony=x', 'application/x-www-form-urlencoded'],
      ['wrong types', JSON.stringify({ ceremony: 42, credential: [1, 2] }), 'application/json'],
      ['oversized credential', JSON.stringify({ ceremony: options.ceremony, credential: 'A'.repeat(20_000) }), 'application/json'],
      ['garbage passkey', JSON.stringify({ ceremony: options.ceremony, credential: { id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 'AA', attestationObject: 'AA' } } }), 'application/json'],
    ] as const) {
      const res = await browser.send('POST', `${api(a)}/factors/passkeys`, body, { origin: origin(), accept: 'application/json', 'content-type': contentType });
      assert.ok([400, 415].includes(res.status), `${name}: ${res.status} ${res.body}`);
      assert.doesNotMatch(res.body, /at \w+ \(|stack/i, name);
    }
    assert.deepEqual((await accountCall(browser, 'GET', `${api(a)}/factors`)).json<{ items: unknown[] }>().items, [], 'nothing was added by any of it');
  });
});
