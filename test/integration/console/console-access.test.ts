import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { mailTo } from '../../support/mailbox.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';
import { intoConsole } from '../../support/console.ts';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';

before(useSharedRuntimeEnvironment);

describe('the admin console: who may open it', () => {
  test('an administrator signs in through the tenant\'s own login with a second factor and sees the overview; the console is never framed', async () => {
    const api = await adminApi();
    const browser = webClient(sharedRuntime.url);
    const first = await browser.get(`/t/${api.tenant.slug}/console`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, `/t/${api.tenant.slug}/console/login`);
    const toLogin = await browser.get(`/t/${api.tenant.slug}/console/login`);
    const authorize = new URL(String(toLogin.headers.location));
    assert.deepEqual([authorize.pathname, authorize.searchParams.get('client_id'), authorize.searchParams.get('acr_values'), authorize.searchParams.get('code_challenge_method')], [`/t/${api.tenant.slug}/oauth2/authorize`, 'console', 'urn:idp:acr:mfa', 'S256']);
    const { res } = await intoConsole(api, undefined, browser);
    assert.equal(res.status, 200, res.body.slice(0, 300));
    assert.match(res.body, /<h1>Overview<\/h1>/);
    assert.match(res.body, /id="signins-today">\d+</);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const users = await browser.get(`/t/${api.tenant.slug}/console/users?q=${encodeURIComponent(api.tenant.adminEmail)}`);
    assert.match(users.body, new RegExp(api.tenant.adminEmail.replace(/[.+]/g, '\\$&')));
    const signIn = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'console.signin');
    assert.deepEqual(signIn.map((e) => e.outcome), ['success']);
    assert.deepEqual((await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!.details.amr, ['pwd', 'otp'], 'the console asked for the second factor the default flow only offers; the administrator set one up');
    assert.deepEqual((await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'mfa.success').map((e) => [e.details.method, e.details.enrolled]), [['totp', true]], 'an authenticator app set up during the sign-in counts as a second factor used (the overview\'s share)');
    assert.match((await browser.get(`/t/${api.tenant.slug}/console`)).body, /id="mfa-share">100%</);
    const rowsOf = (body: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1]?.match(/<tr>/g) ?? []).length;
    const month = (await browser.get(`/t/${api.tenant.slug}/console?days=30`)).body;
    assert.deepEqual([rowsOf(month), (month.match(/<rect class="ok"/g) ?? []).length], [30, 30], 'thirty days in the chart and the table');
    assert.match(month, /<title>[^<]*1 succeeded, 0 failed<\/title>/, 'today\'s bar says what it shows');
    assert.equal(rowsOf((await browser.get(`/t/${api.tenant.slug}/console?days=%3Cscript%3E`)).body), 7, 'anything but 30 is the week');
  });

  test('someone who is not an administrator is refused after signing in; a console cookie is nothing at another tenant', async () => {
    const api = await adminApi();
    const person = { email: `staff-${api.tenant.slug}@example.com`, password: 'a staff member passphrase 8' };
    assert.equal((await api.call('POST', '/users', { emails: [{ value: person.email, verified: true }], password: person.password })).status, 201);
    const { res } = await intoConsole(api, person);
    assert.equal(res.status, 403);
    assert.match(res.body, /Administrators only/);
    assert.deepEqual((await auditEventsOf(api.tenant.slug)).filter((e) => e.type === 'console.signin').map((e) => [e.outcome, e.details.reason]), [['denied', 'not_an_administrator']]);

    const { browser } = await intoConsole(api);
    const cookie = browser.jar.get('console_session')!.value;
    const other = await adminApi();
    const elsewhere = await webClient(sharedRuntime.url).get(`/t/${other.tenant.slug}/console`, { cookie: `console_session=${cookie}` });
    assert.equal(elsewhere.status, 303, 'tenant A\'s console session is no session at tenant B');
  });

  test('hostile: a callback without this browser\'s state, a forged state; signing out needs the form\'s CSRF token; an idle session ends', async () => {
    const api = await adminApi();
    const { browser } = await intoConsole(api);
    const stranger = webClient(sharedRuntime.url);
    for (const path of ['/console/callback?code=x&state=y', '/console/callback', `/console/callback?state=${'A'.repeat(43)}&code=z`]) {
      const res = await stranger.get(`/t/${api.tenant.slug}${path}`);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.location, `/t/${api.tenant.slug}/console/login`);
    }
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/logout`, { csrf: 'forged' })).status, 403, 'a made-up CSRF token');
    assert.equal((await browser.get(`/t/${api.tenant.slug}/console`)).status, 200, 'still signed in');

    // Fifteen minutes without a request: the session is over.
    const id = browser.jar.get('console_session')!.value;
    const idHash = createHash('sha256').update(id).digest('base64url');
    // The tenant's id is its slug.
    await createDocumentClient().send(new UpdateCommand({ TableName: 'Sessions', Key: { pk: `TENANT#${api.tenant.slug}#CONSOLE#${idHash}`, sk: 'CONSOLE' }, UpdateExpression: 'SET idleExpiresAt = :past', ExpressionAttributeValues: { ':past': Date.now() - 1000 } }));
    const idle = await browser.get(`/t/${api.tenant.slug}/console`);
    assert.equal(idle.status, 303);
    assert.equal(idle.headers.location, `/t/${api.tenant.slug}/console/login`);

    const { browser: again, res } = await intoConsole(api);
    const out = await again.postForm(`/t/${api.tenant.slug}/console/logout`, { csrf: csrfTokenOf(res.body) });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, `/t/${api.tenant.slug}/login/logout`);
    assert.equal((await again.get(`/t/${api.tenant.slug}/console`)).status, 303, 'signed out of the console');
  });

  test('the console\'s own client and sign-in cannot be changed through the admin API: no flow of its own, no replacing or deleting its client', async () => {
    const api = await adminApi();
    await intoConsole(api);
    const own = (await api.call('GET', '/applications/console')).json<Record<string, unknown>>();
    assert.equal(own.client_id, 'console', 'it can be read');
    const refusals = [
      await api.call('PUT', '/flows/console', { steps: [{ options: ['password'] }], rules: [{ when: { memberOf: 'administrators' }, then: { deny: 'locked out' } }] }),
      await api.call('PUT', '/applications/console', { client_name: 'Hijacked', redirect_uris: ['https://evil.example.com/cb'], token_endpoint_auth_method: 'none' }),
      await api.call('DELETE', '/applications/console'),
    ];
    assert.deepEqual(refusals.map((r) => [r.status, r.json<{ code: string }>().code]), [[409, 'managed_by_platform'], [409, 'managed_by_platform'], [409, 'managed_by_platform']]);
    const { res } = await intoConsole(api);
    assert.match(res.body, /<h1>Overview<\/h1>/, 'the console still signs in');
  });

  test('applications: a web app and a machine-to-machine client made from a kind, the secret shown once and working; a bad redirect URI is refused with the API\'s reason; invitations go out', async () => {
    const api = await adminApi();
    const { browser, res } = await intoConsole(api);
    const page = await browser.get(`/t/${api.tenant.slug}/console/applications`);
    assert.match(page.body, /<h1>Applications<\/h1>/);
    assert.doesNotMatch(page.body, /<code>console<\/code>/, 'the console\'s own client is not listed');
    const create = (fields: Record<string, string>) => browser.postForm(`/t/${api.tenant.slug}/console/applications`, { csrf: csrfTokenOf(page.body), ...fields });
    const web = await create({ name: 'Shop', type: 'web', redirect_uri: 'https://shop.example.com/callback' });
    assert.match(web.body, /Shop was created/);
    const clientId = /<code id="client-id">([^<]+)<\/code>/.exec(web.body)![1]!;
    assert.match(web.body, /<code id="client-secret"[^>]*>[^<]{20,}<\/code>/);
    const stored = (await api.call('GET', `/applications/${clientId}`)).json<{ token_endpoint_auth_method: string; grant_types: string[]; redirect_uris: string[]; client_secret?: string }>();
    assert.deepEqual([stored.token_endpoint_auth_method, stored.grant_types, stored.redirect_uris, stored.client_secret], ['client_secret_basic', ['authorization_code', 'refresh_token'], ['https://shop.example.com/callback'], undefined]);
    assert.doesNotMatch((await browser.get(`/t/${api.tenant.slug}/console/applications`)).body, /client-secret/, 'the secret is not shown again');

    const m2m = await create({ name: 'Nightly job', type: 'm2m' });
    const m2mId = /<code id="client-id">([^<]+)<\/code>/.exec(m2m.body)![1]!;
    const m2mSecret = /<code id="client-secret"[^>]*>([^<]+)<\/code>/.exec(m2m.body)![1]!;
    const oidc = await import('openid-client');
    const config = await oidc.discovery(new URL(api.tenant.issuer), m2mId, m2mSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const tokens = await oidc.clientCredentialsGrant(config, {});
    assert.ok(tokens.access_token, 'the machine-to-machine client gets tokens with its secret');

    const bad = await create({ name: 'Bad', type: 'web', redirect_uri: 'http://not-loopback.example.com/cb' });
    assert.equal(bad.status, 200);
    assert.match(bad.body, /role="alert" id="console-notice">[^<]*redirect/i);
    assert.equal((await browser.postForm(`/t/${api.tenant.slug}/console/applications`, { name: 'x', type: 'web' })).status, 403, 'no CSRF token');

    const invited = `newcomer-${api.tenant.slug}@example.com`;
    const invite = await browser.postForm(`/t/${api.tenant.slug}/console/users/invite`, { csrf: csrfTokenOf(res.body), email: invited });
    assert.match(invite.body, new RegExp(`An invitation went to ${invited.replace(/[.+]/g, '\\$&')}`));
    const mail = await eventually('the invitation', async () => (await mailTo(invited)).at(-1));
    assert.match(`${mail.subject} ${mail.body.text ?? ""}`, /password|invit/i);
    const again = await browser.postForm(`/t/${api.tenant.slug}/console/users/invite`, { csrf: csrfTokenOf(res.body), email: invited });
    assert.match(again.body, /role="alert"/, 'the same address twice is refused with the API\'s reason');
  });
});
