import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo } from '../../support/mailbox.ts';
import * as oidc from 'openid-client';
import { callbackUri, insecure, registerClient, signInThrough } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const mfaForAdministrators = {
  steps: [{ options: ['password'] }, { options: ['totp', 'email_otp', 'recovery_code'], optional: true }],
  rules: [{ description: 'administrators use a second factor', when: { memberOf: 'administrators' }, then: { requireStep: 2 } }],
};

interface Person {
  email: string;
  password: string;
}

/** The password step from a fresh browser: answers the response that follows it. */
async function passwordStep(a: AdminApi, who: Person, browser: WebClient = webClient(sharedRuntime.url)): Promise<{ browser: WebClient; res: WebResponse }> {
  const page = await browser.get(`/t/${a.tenant.slug}/login`);
  const res = await browser.postForm(`/t/${a.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: who.email, password: who.password });
  return { browser, res };
}

const admin = (a: AdminApi): Person => ({ email: a.tenant.adminEmail, password: a.tenant.adminPassword });

/** Enrols an authenticator app through the login's enrolment page; answers its seed and the recovery codes. */
async function enrolTotp(a: AdminApi, who: Person): Promise<{ secret: string; codes: string[]; browser: WebClient }> {
  const { browser, res } = await passwordStep(a, who);
  assert.equal(res.status, 303, res.body);
  assert.equal(res.headers.location, `/t/${a.tenant.slug}/login/step`);
  const page = await browser.get(`/t/${a.tenant.slug}/login/step`);
  assert.match(page.body, /<h1>Set up two-step verification<\/h1>/);
  assert.match(page.body, /<img src="data:image\/png;base64,/);
  const secret = /<code id="manual-key">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replace(/ /g, '');
  const enrolled = await browser.postForm(`/t/${a.tenant.slug}/login/step/enrol`, { csrf: csrfTokenOf(page.body), code: await generate({ secret }) });
  assert.equal(enrolled.status, 200, enrolled.body);
  const codes = [...enrolled.body.matchAll(/<li><code>([0-9A-Z-]{14})<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(codes.length, 10);
  const done = await browser.postForm(`/t/${a.tenant.slug}/login/step/continue`, { csrf: csrfTokenOf(enrolled.body) });
  assert.equal(done.status, 200, done.body);
  assert.match(done.body, /You are signed in/);
  return { secret, codes, browser };
}

/**
 * A code for the next time step: later than the one enrolment spent, and still inside the
 * ±1 step window, so no test waits 30 s for the clock.
 */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

describe('multi-factor sign-in driven by the flow document', () => {
  let a: AdminApi;
  before(async () => {
    a = await adminApi();
    const published = await a.call('PUT', '/flows/default', mfaForAdministrators);
    assert.equal(published.status, 200, published.body);
  });

  test('an administrator enrols an authenticator app at sign-in, then signs in with password and a code; a code is good once', async () => {
    const { secret, codes } = await enrolTotp(a, admin(a));
    assert.equal(codes.length, 10);

    const code = await nextCode(secret);
    const first = await passwordStep(a, admin(a));
    assert.equal(first.res.headers.location, `/t/${a.tenant.slug}/login/step`);
    const step = await first.browser.get(`/t/${a.tenant.slug}/login/step`);
    assert.match(step.body, /Enter the code from your authenticator app/);
    const passed = await first.browser.postForm(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(step.body), method: 'totp', code });
    assert.equal(passed.status, 200, passed.body);
    assert.match(passed.body, /You are signed in/);

    const second = await passwordStep(a, admin(a));
    const again = await second.browser.get(`/t/${a.tenant.slug}/login/step`);
    const replay = await second.browser.postForm(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(again.body), method: 'totp', code });
    assert.equal(replay.status, 401, 'the same code in the same time step is refused');
    assert.match(replay.body, /already used/);

    const types = (await auditEventsOf(a.tenant.slug)).map((e) => e.type);
    for (const type of ['factor.enrolled', 'mfa.success', 'mfa.failure']) assert.ok(types.includes(type), type);
  });

  test('recovery codes work once each; wrong codes end the sign-in after five tries', async () => {
    const b = await adminApi();
    assert.equal((await b.call('PUT', '/flows/default', mfaForAdministrators)).status, 200);
    const { codes } = await enrolTotp(b, admin(b));
    const { browser } = await passwordStep(b, admin(b));
    const page = await browser.get(`/t/${b.tenant.slug}/login/step?method=recovery_code`);
    assert.match(page.body, /Use a recovery code/);
    const used = await browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(page.body), method: 'recovery_code', code: codes[3]!.toLowerCase() });
    assert.equal(used.status, 200, used.body);

    const reuse = await passwordStep(b, admin(b));
    const form = await reuse.browser.get(`/t/${b.tenant.slug}/login/step?method=recovery_code`);
    let res = await reuse.browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(form.body), method: 'recovery_code', code: codes[3]! });
    assert.equal(res.status, 401, 'a spent recovery code');
    for (let i = 0; i < 3; i++) res = await reuse.browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(res.body), method: 'totp', code: '000000' });
    assert.equal(res.status, 401);
    res = await reuse.browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(res.body), method: 'totp', code: '111111' });
    assert.equal(res.status, 403, 'the fifth wrong code ends the sign-in');
    const after = await reuse.browser.get(`/t/${b.tenant.slug}/login/step`);
    assert.equal(after.headers.location, `/t/${b.tenant.slug}/login`, 'and it must start again from the password');

    const userId = (await b.call('GET', '/users')).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const factors = (await b.call('GET', `/users/${userId}/factors`)).json<{ items: Array<{ id: string; kind: string; remaining?: number }> }>().items;
    assert.deepEqual(factors.map((f) => f.kind).sort(), ['recovery_codes', 'totp']);
    assert.equal(factors.find((f) => f.kind === 'recovery_codes')!.remaining, 9);
    assert.doesNotMatch(JSON.stringify(factors), /sealedSecret|"codes"|\$argon2/, 'no secret in the listing');

    const totp = factors.find((f) => f.kind === 'totp')!;
    assert.equal((await b.call('DELETE', `/users/${userId}/factors/${totp.id}`)).status, 204);
    const again = await enrolTotp(b, admin(b));
    assert.notDeepEqual(again.codes, codes, 'enrolling again issues new recovery codes');
    const old = await passwordStep(b, admin(b));
    const oldForm = await old.browser.get(`/t/${b.tenant.slug}/login/step?method=recovery_code`);
    assert.equal((await old.browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(oldForm.body), method: 'recovery_code', code: codes[0]! })).status, 401, 'the old codes are gone');
    const fresh = await passwordStep(b, admin(b));
    const freshForm = await fresh.browser.get(`/t/${b.tenant.slug}/login/step?method=recovery_code`);
    assert.equal((await fresh.browser.postForm(`/t/${b.tenant.slug}/login/step`, { csrf: csrfTokenOf(freshForm.body), method: 'recovery_code', code: again.codes[0]! })).status, 200, 'the new ones work');
  });

  test('an emailed one-time code, read from the SES stand-in', async () => {
    const c = await adminApi();
    assert.equal((await c.call('PUT', '/flows/default', { ...mfaForAdministrators, steps: [{ options: ['password'] }, { options: ['email_otp'], optional: true }] })).status, 200);
    const { browser } = await passwordStep(c, admin(c));
    const page = await browser.get(`/t/${c.tenant.slug}/login/step`);
    assert.match(page.body, /Check your email/);
    const mail = await eventually('the code mail', async () => (await mailTo(c.tenant.adminEmail)).find((m) => /sign-in code/.test(m.subject)));
    const code = /code: (\d{6})/.exec(mail.subject)![1]!;
    const wrong = await browser.postForm(`/t/${c.tenant.slug}/login/step`, { csrf: csrfTokenOf(page.body), method: 'email_otp', code: code === '123456' ? '654321' : '123456' });
    assert.equal(wrong.status, 401);
    const right = await browser.postForm(`/t/${c.tenant.slug}/login/step`, { csrf: csrfTokenOf(wrong.body), method: 'email_otp', code });
    assert.equal(right.status, 200, right.body);
  });

  test('OIDC acr_values reach the flow’s rules at the login pages: a password session steps up to the emailed code, and the ID token says so', async () => {
    const e = await adminApi();
    const mfaWhenAsked = { steps: [{ options: ['password'] }, { options: ['email_otp'], optional: true }], rules: [{ description: 'MFA when asked', when: { acrRequested: 'mfa' }, then: { requireStep: 2 } }] };
    assert.equal((await e.call('PUT', '/flows/default', mfaWhenAsked)).status, 200);
    const client = await registerClient(e.tenant);
    const config = await oidc.discovery(new URL(e.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);
    const { browser } = await passwordStep(e, admin(e));
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid', acr_values: 'mfa', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    let res = await browser.get(`${url.pathname}${url.search}`);
    for (let hops = 0; res.status === 303 && hops < 4; hops++) res = await browser.get(String(res.headers.location).replace(sharedRuntime.url, ''));
    assert.match(res.body, /Check your email/, 'straight to the second step: no password again, no loop');
    const mail = await eventually('the code mail', async () => (await mailTo(e.tenant.adminEmail)).find((m) => /sign-in code/.test(m.subject)));
    res = await browser.postForm(`/t/${e.tenant.slug}/login/step`, { csrf: csrfTokenOf(res.body), method: 'email_otp', code: /code: (\d{6})/.exec(mail.subject)![1]! });
    for (let hops = 0; res.status === 303 && !String(res.headers.location).startsWith(callbackUri) && hops < 4; hops++) res = await browser.get(String(res.headers.location).replace(sharedRuntime.url, ''));
    assert.equal(res.status, 303, res.body.slice(0, 300));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(String(res.headers.location)), { pkceCodeVerifier: verifier });
    assert.ok((tokens.claims()!.amr as string[]).includes('otp') || (tokens.claims()!.amr as string[]).includes('mfa'), JSON.stringify(tokens.claims()));
  });

  test('users outside the rule, and administrators inside an allowed network, sign in with the password alone', async () => {
    const d = await adminApi();
    const flow = { ...mfaForAdministrators, rules: [...mfaForAdministrators.rules, { description: 'not from loopback', when: { ipIn: ['127.0.0.0/8'] }, then: { skipStep: 2 } }] };
    assert.equal((await d.call('PUT', '/flows/default', flow)).status, 200);
    assert.equal((await passwordStep(d, admin(d))).res.status, 200, 'the later rule wins for step 2');
    assert.equal((await d.call('PUT', '/flows/default', mfaForAdministrators)).status, 200);
    assert.equal((await d.call('POST', '/users', { emails: [{ value: 'member@example.com' }], password: 'a long unrelated passphrase 5' })).status, 201);
    assert.equal((await passwordStep(d, { email: 'member@example.com', password: 'a long unrelated passphrase 5' })).res.status, 200);
    assert.equal((await passwordStep(d, admin(d))).res.status, 303, 'the administrator needs the second step again');
  });

  test('failed attempts before a success can require the second step (failedAttemptsAtLeast)', async () => {
    const g = await adminApi();
    const flow = { steps: [{ options: ['password'] }, { options: ['email_otp'], optional: true }], rules: [{ when: { failedAttemptsAtLeast: 2 }, then: { requireStep: 2 } }] };
    assert.equal((await g.call('PUT', '/flows/default', flow)).status, 200);
    assert.equal((await passwordStep(g, admin(g))).res.status, 200, 'no failures: the password alone');
    for (let i = 0; i < 2; i++) assert.equal((await passwordStep(g, { ...admin(g), password: 'not the password at all' })).res.status, 401);
    const after = await passwordStep(g, admin(g));
    assert.equal(after.res.status, 303, 'two failures first: a second step');
    assert.equal(after.res.headers.location, `/t/${g.tenant.slug}/login/step`);
    assert.equal((await passwordStep(g, admin(g))).res.status, 200, 'the success cleared the count');
  });

  test('a rule can deny a sign-in with its message', async () => {
    const e = await adminApi();
    assert.equal((await e.call('PUT', '/flows/default', { steps: [{ options: ['password'] }], rules: [{ when: { memberOf: 'administrators' }, then: { deny: 'Administrators sign in from the office network.' } }] })).status, 200);
    const { res } = await passwordStep(e, admin(e));
    assert.equal(res.status, 403);
    assert.match(res.body, /Administrators sign in from the office network\./);
  });

  test('enrolment and step forms refuse a missing CSRF token, and another tenant cannot continue the sign-in', async () => {
    const f = await adminApi();
    assert.equal((await f.call('PUT', '/flows/default', mfaForAdministrators)).status, 200);
    const { browser } = await passwordStep(f, admin(f));
    await browser.get(`/t/${f.tenant.slug}/login/step`);
    assert.equal((await browser.postForm(`/t/${f.tenant.slug}/login/step/enrol`, { code: '123456' }, { accept: 'text/html' })).status, 403);
    assert.equal((await browser.postForm(`/t/${f.tenant.slug}/login/step`, { method: 'totp', code: '123456' }, { accept: 'text/html' })).status, 403);
    assert.equal((await browser.postForm(`/t/${f.tenant.slug}/login/step/enrol-passkey`, { ceremony: 'x', credential: '{}' }, { accept: 'text/html' })).status, 403);
    assert.equal((await browser.postForm(`/t/${f.tenant.slug}/login/passkey`, { ceremony: 'x', credential: '{}' }, { accept: 'text/html' })).status, 403);
    const cookie = browser.jar.get('idp_login')!.value;
    const other = await adminApi();
    const stranger = webClient(sharedRuntime.url);
    const res = await stranger.get(`/t/${other.tenant.slug}/login/step`, { cookie: `idp_login=${cookie}` });
    assert.equal(res.headers.location, `/t/${other.tenant.slug}/login`, 'the state belongs to the first tenant only');
  });
});

describe('step-up of an existing session for an application that needs more', () => {
  test('a password-only session meets an application flow requiring TOTP: the login asks for the second step, and the tokens say so', async () => {
    const a = await adminApi();
    const { secret } = await (async () => {
      assert.equal((await a.call('PUT', '/flows/default', mfaForAdministrators)).status, 200);
      const enrolled = await enrolTotp(a, admin(a));
      assert.equal((await a.call('DELETE', '/flows/default')).status, 204, 'back to the built-in flow: a password alone');
      return enrolled;
    })();
    const app = (await a.call('POST', '/applications', { client_name: 'Payroll', redirect_uris: [callbackUri], first_party: true })).json<{ client_id: string; client_secret: string }>();
    const browser = webClient(sharedRuntime.url);
    const url = (extra: Record<string, string> = {}) => {
      const u = new URL(`${a.tenant.issuer}/oauth2/authorize`);
      for (const [k, v] of Object.entries({ client_id: app.client_id, redirect_uri: callbackUri, response_type: 'code', scope: 'openid', state: 's', ...extra })) u.searchParams.set(k, v);
      return u;
    };
    const first = await signInThrough(url(), admin(a), browser);
    const tokenFor = async (callback: URL) => (await webClient(sharedRuntime.url).postForm(`/t/${a.tenant.slug}/oauth2/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: callbackUri }, { authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` })).json<{ id_token: string }>();
    assert.deepEqual(decodeJwt((await tokenFor(first)).id_token).amr, ['pwd']);

    assert.equal((await a.call('PUT', `/flows/${app.client_id}`, { steps: [{ options: ['password'] }, { options: ['totp'] }] })).status, 200);
    const silent = await browser.get(`${url({ prompt: 'none' }).pathname}${url({ prompt: 'none' }).search}`);
    assert.equal(new URL(String(silent.headers.location)).searchParams.get('error'), 'interaction_required');

    const start = await browser.get(`${url().pathname}${url().search}`);
    const login = await browser.get(String(start.headers.location));
    assert.equal(login.headers.location, `/t/${a.tenant.slug}/login/step`, 'straight to the missing step, no password again');
    const step = await browser.get(String(login.headers.location));
    const done = await browser.postForm(`/t/${a.tenant.slug}/login/step`, { csrf: csrfTokenOf(step.body), method: 'totp', code: await nextCode(secret) });
    assert.equal(done.status, 303, done.body);
    const resumed = await browser.get(String(done.headers.location));
    const claims = decodeJwt((await tokenFor(new URL(String(resumed.headers.location)))).id_token);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.acr, 'urn:idp:acr:mfa');
  });

  test('flow documents are validated with paths, versioned, rolled back and explained', async () => {
    const a = await adminApi();
    const bad = await a.call('PUT', '/flows/default', { steps: [{ options: ['password'] }, { options: ['carrier_pigeon'] }] });
    assert.equal(bad.status, 400);
    assert.ok(bad.json<{ errors: Array<{ path: string }> }>().errors.some((e) => e.path === 'steps.1.options.0'));
    assert.equal((await a.call('PUT', '/flows/no-such-app', mfaForAdministrators)).status, 404);
    const v1 = await a.call('PUT', '/flows/default', mfaForAdministrators);
    assert.equal(v1.headers.etag, '"v1"');
    assert.equal((await a.call('PUT', '/flows/default', { steps: [{ options: ['password'] }] }, { 'if-match': '"v1"' })).status, 200);
    assert.equal((await a.call('PUT', '/flows/default', mfaForAdministrators, { 'if-match': '"v1"' })).status, 412);
    const rolled = await a.call('POST', '/flows/default/rollback', { version: 1 });
    assert.equal(rolled.json<{ version: number }>().version, 3);
    assert.equal((await a.call('GET', '/flows/default/versions')).json<{ items: unknown[] }>().items.length, 3);
    const explained = await a.call('POST', '/flows/default/explain', { groups: ['administrators'], session: { amr: ['pwd'], ageSeconds: 60 } });
    assert.equal(explained.status, 200, explained.body);
    assert.deepEqual(explained.json<{ stepsLeft: number[] }>().stepsLeft, [2]);
    const schema = await a.call('GET', '/flows/schema');
    assert.equal(schema.status, 200);
  });
});
