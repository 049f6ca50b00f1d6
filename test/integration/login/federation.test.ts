import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { mailTo } from '../../support/mailbox.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { browse, oidcUpstream, providerLink, signInThroughProvider } from '../../support/federation.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';
import { generate } from 'otplib';
import { nextCode } from '../../support/sign-in-pages.ts';

before(useSharedRuntimeEnvironment);

const federation = oidcUpstream;

type Federation = Awaited<ReturnType<typeof federation>>;

/** From the broker's login page, "Continue with Upstream Corp", through the upstream's sign-in, back. */
async function federatedSignIn(f: Federation, browser = webClient(sharedRuntime.url)) {
  const { res } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream Corp', f.person, browser);
  return { browser, answer: res };
}

const brokerUsers = async (api: AdminApi) => (await api.call('GET', '/users')).json<{ items: Array<{ id: string; userName: string; emails: Array<{ value: string; verified: boolean }>; name: { givenName?: string } }> }>().items;

describe('federation to an upstream OpenID Provider', () => {
  test('a first sign-in creates the user from the upstream ID token and links the identity; the next one finds the link', async () => {
    const f = await federation();
    assert.equal(f.idp.hasClientSecret, true);
    assert.equal(f.idp.clientSecret, undefined, 'the secret is never shown');
    const { answer } = await federatedSignIn(f);
    assert.equal(answer.status, 200, answer.body.slice(0, 300));
    assert.match(answer.body, /You are signed in/);
    const created = (await brokerUsers(f.broker)).find((u) => u.emails[0]?.value === f.person.email)!;
    assert.ok(created, 'a user for the upstream identity');
    assert.deepEqual([created.emails[0]!.verified, created.name.givenName], [true, 'Bob']);

    const again = await federatedSignIn(f);
    assert.match(again.answer.body, /You are signed in/);
    assert.equal((await brokerUsers(f.broker)).length, 2, 'the administrator and the one linked user, no second one');
    const events = await auditEventsOf(f.broker.tenant.slug);
    assert.equal(events.filter((e) => e.type === 'federation.linked').length, 1);
    assert.deepEqual(events.filter((e) => e.type === 'signin.success' && e.details.method === 'federated').map((e) => e.details.idpId), [f.idp.id, f.idp.id]);
    const session = events.filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed']);
    const links = await again.browser.send('GET', `/t/${f.broker.tenant.slug}/account/api/linked-identities`, undefined, { accept: 'application/json' });
    assert.deepEqual(links.json<{ items: Array<{ provider: string; email: string }> }>().items.map((l) => [l.provider, l.email]), [[f.idp.id, f.person.email]], 'the user sees the link in the account API');
  });

  test('federation then a local second factor: the flow goes on after the upstream sign-in as after a password', async () => {
    const f = await federation();
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${f.idp.id}`] }, { options: ['email_otp'] }] })).status, 200);
    const { browser, answer } = await federatedSignIn(f);
    assert.match(answer.body, /Check your email/, 'the emailed-code step after the upstream sign-in');
    const mail = await eventually('the code', async () => (await mailTo(f.person.email)).find((m) => /code: \d{6}/.test(m.subject)));
    const done = await browser.postForm(`/t/${f.broker.tenant.slug}/login/step`, { csrf: csrfTokenOf(answer.body), method: 'email_otp', code: /code: (\d{6})/.exec(mail.subject)![1]! });
    assert.equal(done.status, 200, done.body.slice(0, 300));
    const session = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed', 'otp']);
  });

  test('federation then a local authenticator app: enrolled at the first federated sign-in, asked for at the next', async () => {
    const f = await federation();
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: [`federated:${f.idp.id}`] }, { options: ['totp'] }] })).status, 200);
    const first = await federatedSignIn(f);
    assert.match(first.answer.body, /<h1>Set up two-step verification<\/h1>/, 'the new federated user sets up the app the flow asks for');
    const secret = /<code id="manual-key">([A-Z2-7 ]+)<\/code>/.exec(first.answer.body)![1]!.replace(/ /g, '');
    const enrolled = await first.browser.postForm(`/t/${f.broker.tenant.slug}/login/step/enrol`, { csrf: csrfTokenOf(first.answer.body), code: await generate({ secret }) });
    const done = await first.browser.postForm(`/t/${f.broker.tenant.slug}/login/step/continue`, { csrf: csrfTokenOf(enrolled.body) });
    assert.match(done.body, /You are signed in/);
    const again = await federatedSignIn(f);
    assert.match(again.answer.body, /authenticator app/i, 'the next federated sign-in asks for a code');
    const signedIn = await again.browser.postForm(`/t/${f.broker.tenant.slug}/login/step`, { csrf: csrfTokenOf(again.answer.body), method: 'totp', code: await nextCode(secret) });
    assert.match(signedIn.body, /You are signed in/);
    const session = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.started').at(-1)!;
    assert.deepEqual(session.details.amr, ['fed', 'otp']);
  });

  test('an upstream identity whose email is a local account: refused with provisioning "create", linked with "link_verified_email"', async () => {
    for (const mode of ['create', 'link_verified_email'] as const) {
      const f = await federation(mode);
      const local = await f.broker.call('POST', '/users', { emails: [{ value: f.person.email, verified: true }], password: 'a local passphrase of some length' });
      assert.equal(local.status, 201);
      const { answer } = await federatedSignIn(f);
      if (mode === 'create') {
        assert.equal(answer.status, 401);
        assert.match(answer.body, /An account with that email already exists here/);
        assert.ok((await auditEventsOf(f.broker.tenant.slug)).some((e) => e.type === 'federation.failure' && e.details.reason === 'email_belongs_to_local_account'));
      } else {
        assert.match(answer.body, /You are signed in/);
        const linked = (await auditEventsOf(f.broker.tenant.slug)).find((e) => e.type === 'federation.linked')!;
        assert.deepEqual([linked.subject, linked.details.how], [local.json<{ id: string }>().id, 'verified_email']);
      }
    }
  });

  test('the callback must come to the browser that started the sign-in (no login CSRF)', async () => {
    const f = await federation();
    const starter = webClient(sharedRuntime.url);
    const toUpstream = await starter.get(providerLink(await starter.get(`/t/${f.broker.tenant.slug}/login`), 'Upstream Corp'));
    const authorize = new URL(String(toUpstream.headers.location));
    // Someone else's browser completes the upstream sign-in and is handed the callback.
    const victim = webClient(sharedRuntime.url);
    const { res } = await browse(victim, await victim.get(`${authorize.pathname}${authorize.search}`), f.person);
    assert.equal(res.status, 401);
    assert.deepEqual((await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').map((e) => e.details.reason), ['another_browser']);
    assert.equal((await brokerUsers(f.broker)).length, 1, 'nobody provisioned');
  });

  test('"link_after_local_sign_in": the owner of the local account with that email signs in to it once, then the link is made; another account\'s password links nothing', async () => {
    const f = await federation('link_after_local_sign_in');
    const localPassword = 'the local passphrase of this account';
    const local = await f.broker.call('POST', '/users', { emails: [{ value: f.person.email, verified: true }], password: localPassword });
    assert.equal(local.status, 201);
    const localId = local.json<{ id: string }>().id;

    // Someone else's account cannot take the link: the pending link names the account it was offered to.
    const first = await federatedSignIn(f);
    assert.match(first.answer.body, /Sign in to it once to link your Upstream Corp account/);
    const link = /name="link" value="([^"]+)"/.exec(first.answer.body)![1]!;
    const wrong = await first.browser.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(first.answer.body), identifier: f.broker.tenant.adminEmail, password: f.broker.tenant.adminPassword, link });
    assert.match(wrong.body, /You are signed in/, 'the administrator signs in as themselves');
    assert.equal((await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').at(-1)!.details.reason, 'link_offered_to_another_account');

    const second = await federatedSignIn(f);
    const confirm = await second.browser.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(second.answer.body), identifier: f.person.email, password: localPassword, link: /name="link" value="([^"]+)"/.exec(second.answer.body)![1]! });
    assert.match(confirm.body, /You are signed in/);
    const linked = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.linked');
    assert.deepEqual(linked.map((e) => [e.subject, e.details.how]), [[localId, 'local_sign_in']]);
    const third = await federatedSignIn(f);
    assert.match(third.answer.body, /You are signed in/, 'from now on the upstream alone is enough');
    assert.equal((await brokerUsers(f.broker)).length, 2, 'no second account was made');
  });

  test('provisioning rules: the provider\'s and the application\'s group rules put the federated user in groups, which the flow\'s rules then see', async () => {
    const f = await federation();
    const group = async (name: string) => (await f.broker.call('POST', '/groups', { name })).json<{ id: string }>().id;
    const [verified, staff, never] = [await group('Verified upstream'), await group('Staff'), await group('Never')];
    const current = await f.broker.call('GET', `/identity-providers/${f.idp.id}`);
    const replaced = await f.broker.call('PUT', `/identity-providers/${f.idp.id}`, {
      name: 'Upstream Corp', kind: 'oidc', issuer: f.upstream.tenant.issuer, clientId: current.json<{ clientId: string }>().clientId,
      groupRules: [{ when: { equals: [{ claim: 'email_verified' }, { const: true }] }, group: verified }, { when: { present: { claim: 'no_such_claim' } }, group: never }],
    }, { 'if-match': String(current.headers.etag) });
    assert.equal(replaced.status, 200, replaced.body);
    const flow = await f.broker.call('PUT', '/flows/default', {
      steps: [{ options: ['password', `federated:${f.idp.id}`] }, { options: ['email_otp'], optional: true }],
      rules: [{ when: { memberOf: 'Staff' }, then: { requireStep: 2 } }],
      provisioning: { groupRules: [{ when: { matches: { claim: 'email' }, pattern: '^bob-', flags: 'i' }, group: staff }] },
    });
    assert.equal(flow.status, 200, flow.body);
    const { answer } = await federatedSignIn(f);
    assert.match(answer.body, /Check your email/, 'the group the rule added makes the flow ask for a second factor');
    const user = (await brokerUsers(f.broker)).find((u) => u.emails[0]?.value === f.person.email)!;
    const members = async (id: string) => (await f.broker.call('GET', `/groups/${id}/members`)).json<{ items: Array<{ userId: string }> }>().items.map((m) => m.userId);
    assert.deepEqual([await members(verified), await members(staff), await members(never)], [[user.id], [user.id], []]);
    const missing = await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password'] }], provisioning: { groupRules: [{ when: { present: { claim: 'x' } }, group: 'no-such-group' }] } });
    assert.equal(missing.status, 400);
  });

  test('hostile: a replayed or forged callback, a provider the flow does not name, another tenant\'s provider, "existing_only", bad issuers', async () => {
    const f = await federation('existing_only');
    const browser = webClient(sharedRuntime.url);
    const page = await browser.get(`/t/${f.broker.tenant.slug}/login`);
    const link = /<a class="button" href="([^"]+)">Continue/.exec(page.body)![1]!;
    const toUpstream = await browser.get(link);
    assert.equal(toUpstream.status, 303);
    const authorize = new URL(String(toUpstream.headers.location));
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('nonce') && authorize.searchParams.get('state'));
    const { res: back } = await browse(browser, await browser.get(`${authorize.pathname}${authorize.search}`), f.person);
    assert.equal(back.status, 401, 'existing_only: an identity not linked yet is refused');

    // The same callback again (the ceremony is spent), and made-up states.
    const stateOnly = `/t/${f.broker.tenant.slug}/login/federated/callback?state=${authorize.searchParams.get('state')}&code=x`;
    for (const path of [stateOnly, `/t/${f.broker.tenant.slug}/login/federated/callback?state=${'A'.repeat(43)}&code=x`, `/t/${f.broker.tenant.slug}/login/federated/callback?code=x`, `/t/${f.broker.tenant.slug}/login/federated/callback?state=%3Cscript%3E`]) {
      const res = await browser.get(path);
      assert.equal(res.status, 401, path);
      assert.doesNotMatch(res.body, /<script>|stack/i);
    }
    const reasons = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').map((e) => e.details.reason);
    assert.deepEqual(reasons, ['not_linked', 'unknown_state', 'unknown_state', 'unknown_state', 'unknown_state']);

    // The broker's provider at another tenant's login, and a provider its flow does not name.
    const other = await adminApi();
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${other.tenant.slug}/login/federated/${f.idp.id}`)).status, 404);
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password'] }] })).status, 200);
    assert.equal((await webClient(sharedRuntime.url).get(link)).status, 404, 'not in the flow any more');
    assert.doesNotMatch((await webClient(sharedRuntime.url).get(`/t/${f.broker.tenant.slug}/login`)).body, /Continue with/);

    for (const issuer of ['http://idp.example.com', 'https://10.0.0.5/idp', 'https://user:pw@idp.example.com']) {
      const res = await f.broker.call('POST', '/identity-providers', { name: 'Bad', kind: 'oidc', issuer, clientId: 'x' });
      assert.equal(res.status, 400, issuer);
    }
    for (const [body, why] of [[{ clientAuthentication: 'private_key_jwt', clientSecret: 'a secret of length' }, 'a secret with private_key_jwt'], [{ clientAuthentication: 'client_secret_post' }, 'client_secret_post without a secret']] as const) {
      assert.equal((await f.broker.call('POST', '/identity-providers', { name: 'Bad', kind: 'oidc', issuer: f.upstream.tenant.issuer, clientId: 'x', ...body })).status, 400, why);
    }
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password'] }, { options: [`federated:${f.idp.id}`] }] })).status, 400, 'federated options belong in the first step');
    const unknown = await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password', 'federated:no-such-idp'] }] });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), ['steps.0.options.1']);
    assert.equal((await other.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${f.idp.id}`] }] })).status, 400, 'another tenant cannot name this provider');

    // Replaced without a secret (the sealed one is kept), read by another tenant (not found), removed.
    const current = await f.broker.call('GET', `/identity-providers/${f.idp.id}`);
    const renamed = await f.broker.call('PUT', `/identity-providers/${f.idp.id}`, { name: 'Upstream Corporation', kind: 'oidc', issuer: f.upstream.tenant.issuer, clientId: 'broker', provisioning: 'create' }, { 'if-match': String(current.headers.etag) });
    assert.equal(renamed.status, 200, renamed.body);
    assert.deepEqual([renamed.json<{ name: string }>().name, renamed.json<{ hasClientSecret: boolean }>().hasClientSecret], ['Upstream Corporation', true]);
    assert.equal((await other.call('GET', `/identity-providers/${f.idp.id}`)).status, 404);
    assert.equal((await f.broker.call('DELETE', `/identity-providers/${f.idp.id}`, undefined, { 'if-match': String(renamed.headers.etag) })).status, 204);
    const changes = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type.startsWith('idp.'));
    assert.deepEqual(changes.map((e) => e.type).sort(), ['idp.created', 'idp.deleted', 'idp.updated', 'idp.updated'], 'made, given its credentials (setup), renamed, removed');
    assert.ok(!JSON.stringify(changes).includes(f.clientSecret), 'no secret in the trail');
  });
});
