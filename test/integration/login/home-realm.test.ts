import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { browse, oidcUpstream, providerLink } from '../../support/federation.ts';
import { registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { csrfTokenOf, webClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const callback = 'http://127.0.0.1:9/callback';

/** An OIDC application of the broker, and the URL that starts its sign-in with the given extra parameters. */
async function application(f: Awaited<ReturnType<typeof oidcUpstream>>, name: string) {
  const client = await registerClient(f.broker.tenant, { client_name: name, redirect_uris: [callback], first_party: true, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
  const config = await oidc.discovery(new URL(f.broker.tenant.issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const authorize = async (extra: Record<string, string> = {}) => oidc.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid email profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
  return { client, config, verifier, authorize };
}

describe('home realm discovery and trust brokering', () => {
  test('an email domain picks the provider: identifier first, then off to the upstream (with the login_hint); other domains get the password', async () => {
    const f = await oidcUpstream('create', { email: `bob@corp-${Date.now()}.example` });
    const domain = f.person.email.split('@')[1]!;
    const flow = await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${f.idp.id}`] }], homeRealm: { rules: [{ emailDomains: [domain], idp: f.idp.id }] } });
    assert.equal(flow.status, 200, flow.body);
    const browser = webClient(sharedRuntime.url);
    const page = await browser.get(`/t/${f.broker.tenant.slug}/login`);
    assert.doesNotMatch(page.body, /name="password"/, 'identifier first');
    assert.match(page.body, /<button type="submit">Continue<\/button>/);
    const sent = await browser.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: f.person.email.toUpperCase() });
    assert.equal(sent.status, 303);
    assert.match(String(sent.headers.location), new RegExp(`/login/federated/${f.idp.id}\\?login_hint=`));
    const toUpstream = await browser.get(String(sent.headers.location));
    assert.equal(new URL(String(toUpstream.headers.location)).searchParams.get('login_hint'), f.person.email.toUpperCase(), 'the upstream is told who is coming');
    const { res } = await browse(browser, toUpstream, f.person);
    assert.match(res.body, /You are signed in/);

    // Someone from another domain: the password comes next, with what they typed kept.
    const other = webClient(sharedRuntime.url);
    const first = await other.get(`/t/${f.broker.tenant.slug}/login`);
    const next = await other.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(first.body), identifier: f.broker.tenant.adminEmail });
    assert.equal(next.status, 200);
    assert.match(next.body, /name="password"/);
    assert.ok(next.body.includes(`value="${f.broker.tenant.adminEmail}"`));
    const signedIn = await other.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(next.body), identifier: f.broker.tenant.adminEmail, password: f.broker.tenant.adminPassword });
    assert.match(signedIn.body, /You are signed in/);

    // A rule must name a provider of the first step.
    const bad = await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password'] }], homeRealm: { rules: [{ emailDomains: [domain], idp: f.idp.id }] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path), ['homeRealm.rules.0.idp']);
  });

  test('idp_hint and domain_hint from the application go straight to the provider; a hint naming a provider the flow does not trust is ignored', async () => {
    const f = await oidcUpstream();
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${f.idp.id}`] }], homeRealm: { rules: [{ emailDomains: ['*.partner.example'], idp: f.idp.id }] } })).status, 200);
    const app = await application(f, 'Hinted app');
    const hints: Array<Record<string, string>> = [{ idp_hint: f.idp.id }, { domain_hint: 'eu.partner.example' }, { login_hint: 'someone@eu.partner.example' }];
    for (const hint of hints) {
      const browser = webClient(sharedRuntime.url);
      const url = await app.authorize(hint);
      const { res } = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
      // Straight through the broker to the upstream's own login page.
      assert.match(res.body, new RegExp(`<form method="post" action="/t/${f.upstream.tenant.slug}/login">`), JSON.stringify(hint));
    }
    const browser = webClient(sharedRuntime.url);
    const url = await app.authorize({ idp_hint: 'no-such-provider', domain_hint: 'elsewhere.example' });
    const { res } = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
    assert.equal(res.status, 200, 'the login page, since no hint applies');
    assert.doesNotMatch(res.body, /name="password"/, 'identifier first, as the flow has realm rules');
  });

  test('trust brokering: an application whose flow does not name the provider cannot use it, and an answer that arrives after the trust was withdrawn is refused', async () => {
    const f = await oidcUpstream();
    const trusting = await application(f, 'Trusting app');
    const other = await application(f, 'Other app');
    assert.equal((await f.broker.call('PUT', `/flows/${trusting.client.client_id}`, { steps: [{ options: ['password', `federated:${f.idp.id}`] }] })).status, 200);
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: ['password'] }] })).status, 200);

    // The other application's sign-in neither offers the provider nor lets it be used by its URL or by a hint.
    const browser = webClient(sharedRuntime.url);
    const url = await other.authorize({ idp_hint: f.idp.id });
    const { res: page } = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /Continue with/);
    const tx = /name="tx" value="([^"]+)"/.exec(page.body)![1]!;
    assert.equal((await browser.get(`/t/${f.broker.tenant.slug}/login/federated/${f.idp.id}?tx=${tx}`)).status, 404);

    // The trusting one may; but its trust is withdrawn while the user is at the upstream.
    const b2 = webClient(sharedRuntime.url);
    const url2 = await trusting.authorize();
    const { res: page2 } = await browse(b2, await b2.get(`${url2.pathname}${url2.search}`));
    const toUpstream = await b2.get(providerLink(page2, 'Upstream Corp'));
    assert.equal(toUpstream.status, 303);
    assert.equal((await f.broker.call('PUT', `/flows/${trusting.client.client_id}`, { steps: [{ options: ['password'] }] })).status, 200);
    const { res: back } = await browse(b2, toUpstream, f.person);
    assert.equal(back.status, 401);
    assert.equal((await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').at(-1)!.details.reason, 'provider_not_allowed_for_user');
  });

  test('the login page speaks the application\'s ui_locales, else the browser\'s language, else English', async () => {
    const f = await oidcUpstream();
    const app = await application(f, 'Localized app');
    const browser = webClient(sharedRuntime.url);
    const url = await app.authorize({ ui_locales: 'de fr' });
    const { res } = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
    assert.match(res.body, /<html lang="fr">/);
    assert.match(res.body, /<h1>Connexion<\/h1>/);
    assert.match(res.body, /Mot de passe/);
    assert.match(res.body, /Continuer avec Upstream Corp/);
    const byBrowser = await webClient(sharedRuntime.url).get(`/t/${f.broker.tenant.slug}/login`, { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' });
    assert.match(byBrowser.body, /<h1>Connexion<\/h1>/);
    const english = await webClient(sharedRuntime.url).get(`/t/${f.broker.tenant.slug}/login`, { 'accept-language': 'de-DE' });
    assert.match(english.body, /<html lang="en">/);
    assert.match(english.body, /<h1>Sign in<\/h1>/);
    const malformed = await app.authorize({ ui_locales: '<script>' });
    const other = webClient(sharedRuntime.url);
    const { res: plain } = await browse(other, await other.get(`${malformed.pathname}${malformed.search}`));
    assert.match(plain.body, /<h1>Sign in<\/h1>/, 'a malformed ui_locales is ignored');
  });

  test('a flow without a password option takes none, even when one is posted', async () => {
    const f = await oidcUpstream();
    const browser = webClient(sharedRuntime.url);
    const before = await browser.get(`/t/${f.broker.tenant.slug}/login`);
    assert.equal((await f.broker.call('PUT', '/flows/default', { steps: [{ options: [`federated:${f.idp.id}`] }] })).status, 200);
    const page = await browser.get(`/t/${f.broker.tenant.slug}/login`);
    assert.doesNotMatch(page.body, /name="password"/);
    assert.match(page.body, /Continue with Upstream Corp/);
    // A form from before the change (valid CSRF token) posting the administrator's correct password.
    const posted = await browser.postForm(`/t/${f.broker.tenant.slug}/login`, { csrf: csrfTokenOf(before.body), identifier: f.broker.tenant.adminEmail, password: f.broker.tenant.adminPassword });
    assert.equal(posted.status, 400);
    assert.doesNotMatch(posted.body, /You are signed in/);
  });
});
