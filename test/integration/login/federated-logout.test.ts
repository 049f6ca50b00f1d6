import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { browse, oidcUpstream, signInThroughProvider } from '../../support/federation.ts';
import { frameReport, logoutPage } from '../../support/saml.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const path = (url: string) => {
  const u = new URL(url, sharedRuntime.url);
  return `${u.pathname}${u.search}`;
};
const signedInAt = async (browser: WebClient, slug: string) => /You are signed in/.test((await browser.get(`/t/${slug}/login`)).body);
const logoutEvents = async (slug: string) => (await auditEventsOf(slug)).filter((e) => e.type === 'federation.logout').map((e) => [e.details.direction, e.details.protocol, e.details.sessions]);

describe('logout across the broker, upstream OpenID Provider', () => {
  test('signing out at the upstream ends the broker\'s session (back-channel logout token)', async () => {
    const f = await oidcUpstream();
    const { browser, res } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream Corp', f.person);
    assert.match(res.body, /You are signed in/);
    assert.ok(await signedInAt(browser, f.upstream.tenant.slug), 'signed in at the upstream too');
    const out = await browser.get(`/t/${f.upstream.tenant.slug}/login/logout`);
    assert.match(out.body, /You are signed out/);
    await eventually('the broker hears of it', async () => ((await logoutEvents(f.broker.tenant.slug)).length ? true : undefined));
    assert.deepEqual(await logoutEvents(f.broker.tenant.slug), [['from_upstream', 'oidc_backchannel', 1]]);
    assert.equal(await signedInAt(browser, f.broker.tenant.slug), false, 'the broker session has ended');
    const ended = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'session.ended').map((e) => e.details.reason);
    assert.deepEqual(ended, ['upstream_logout']);
  });

  test('signing out at the broker goes on to the upstream\'s RP-initiated logout and comes back', async () => {
    const f = await oidcUpstream();
    const { browser } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream Corp', f.person);
    const out = await browser.get(`/t/${f.broker.tenant.slug}/login/logout`);
    assert.equal(out.status, 303);
    const endSession = new URL(String(out.headers.location));
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${f.upstream.tenant.issuer}/oauth2/logout`);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${sharedRuntime.url}/t/${f.broker.tenant.slug}/login/federated/logged-out`);
    // Without an ID token to name the session (the broker keeps none), the upstream asks the person to confirm, as OpenID Providers do.
    const { res: confirm } = await browse(browser, out);
    assert.match(confirm.body, /Sign out\?/);
    const fields = Object.fromEntries([...confirm.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const { res } = await browse(browser, await browser.postForm(`/t/${f.upstream.tenant.slug}/oauth2/logout`, fields));
    assert.match(res.body, /You are signed out/);
    assert.equal(await signedInAt(browser, f.upstream.tenant.slug), false, 'signed out at the upstream');
    assert.equal(await signedInAt(browser, f.broker.tenant.slug), false);
    assert.deepEqual((await logoutEvents(f.broker.tenant.slug))[0], ['to_upstream', 'oidc_rp_initiated', undefined]);
  });

  test('hostile logout tokens: unsigned, signed by another key, garbled, for an unknown provider, repeated — refused, sessions untouched', async () => {
    const f = await oidcUpstream();
    const { browser } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream Corp', f.person);
    const stranger = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sub: 'anyone', jti: 'j1' })
      .setProtectedHeader({ alg: 'ES256', kid: (await exportJWK(stranger.publicKey)).x!.slice(0, 8), typ: 'logout+jwt' }).setIssuer(f.upstream.tenant.issuer).setAudience('x').setIssuedAt(now).setExpirationTime(now + 120).sign(stranger.privateKey);
    const endpoint = `/t/${f.broker.tenant.slug}/login/federated/${f.idp.id}/backchannel-logout`;
    const anyone = webClient(sharedRuntime.url);
    for (const [body, target] of [[{ logout_token: forged }, endpoint], [{ logout_token: 'not.a.jwt' }, endpoint], [{ token: 'misnamed' }, endpoint], [{ logout_token: forged }, `/t/${f.broker.tenant.slug}/login/federated/no-such-idp/backchannel-logout`]] as const) {
      const res = await anyone.postForm(target, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.deepEqual(res.json(), { error: 'invalid_request', error_description: 'The logout token was not accepted.' });
    }
    const other = await adminApi();
    assert.equal((await anyone.postForm(`/t/${other.tenant.slug}/login/federated/${f.idp.id}/backchannel-logout`, { logout_token: forged })).status, 400, 'another tenant does not know the provider');
    assert.equal((await anyone.postForm(endpoint, { logout_token: `${forged}${'A'.repeat(9000)}` })).status, 400, 'oversized');
    // The pages logout returns to, with made-up or missing state, are the plain signed-out page.
    for (const page of ['logged-out?state=%3Cscript%3E', 'logged-out', `sign-out?handoff=${'A'.repeat(43)}`, 'sign-out']) {
      const res = await anyone.get(`/t/${f.broker.tenant.slug}/login/federated/${page}`);
      assert.equal(res.status, 200, page);
      assert.match(res.body, /You are signed out/);
      assert.doesNotMatch(res.body, /<script>/);
    }
    assert.ok(await signedInAt(browser, f.broker.tenant.slug), 'the session is untouched');
    const reasons = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').map((e) => String(e.details.reason));
    assert.equal(reasons.length, 5);
    assert.ok(reasons.every((r) => r.startsWith('logout_token_refused')));
  });
});

describe('logout across the broker, upstream SAML IdP', () => {
  /** A tenant as the upstream SAML IdP of the broker (its SP metadata imported there, with its SLO endpoint). */
  async function samlUpstream() {
    const [broker, upstream] = await Promise.all([adminApi(), adminApi()]);
    const http = webClient(sharedRuntime.url);
    const sp = await upstream.raw('POST', '/saml-service-providers', (await http.get(`/t/${broker.tenant.slug}/login/federated/saml/metadata`)).body, 'application/samlmetadata+xml');
    assert.equal(sp.status, 201, sp.body);
    assert.equal(sp.json<{ singleLogoutService: { url: string } }>().singleLogoutService.url, `${sharedRuntime.url}/t/${broker.tenant.slug}/login/federated/saml/slo`);
    const person = { email: `dana-${upstream.tenant.slug}@example.com`, password: 'an upstream passphrase 77' };
    assert.equal((await upstream.call('POST', '/users', { emails: [{ value: person.email, verified: true }], password: person.password })).status, 201);
    const idp = await broker.call('POST', '/identity-providers', { name: 'Upstream SAML', kind: 'saml', metadata: (await http.get(`/t/${upstream.tenant.slug}/saml2/metadata`)).body });
    assert.equal(idp.status, 201, idp.body);
    assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idp.json<{ id: string }>().id}`] }] })).status, 200);
    return { broker, upstream, person };
  }

  test('signing out at the broker sends a signed LogoutRequest to the IdP, whose LogoutResponse comes back', async () => {
    const f = await samlUpstream();
    const { browser, res } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream SAML', f.person);
    assert.match(res.body, /You are signed in/);
    const out = await browser.get(`/t/${f.broker.tenant.slug}/login/logout`);
    const slo = new URL(String(out.headers.location));
    assert.equal(`${slo.origin}${slo.pathname}`, `${f.upstream.tenant.issuer}/saml2/slo`);
    assert.ok(slo.searchParams.get('Signature'), 'signed');
    const { res: done } = await browse(browser, out);
    assert.match(done.body, /You are signed out/);
    assert.equal(await signedInAt(browser, f.upstream.tenant.slug), false, 'the IdP ended its session');
    assert.equal(await signedInAt(browser, f.broker.tenant.slug), false);
    assert.deepEqual(await logoutEvents(f.broker.tenant.slug), [['to_upstream', 'saml_slo', undefined]]);
  });

  test('signing out at the IdP reaches the broker by front channel; the broker ends its session and answers Success', async () => {
    const f = await samlUpstream();
    const { browser } = await signInThroughProvider(f.broker.tenant.slug, 'Upstream SAML', f.person);
    const started = await browser.get(`/t/${f.upstream.tenant.slug}/login/logout`);
    assert.equal(started.status, 303, started.body.slice(0, 200));
    const page = logoutPage(await browser.get(path(String(started.headers.location))));
    assert.equal(page.frames.length, 1, 'the broker is the IdP\'s one SAML participant');
    const framed = await browser.get(path(page.frames[0]!));
    const toBroker = framed.status === 303 ? String(framed.headers.location) : undefined;
    assert.ok(toBroker?.includes(`/t/${f.broker.tenant.slug}/login/federated/saml/slo?SAMLRequest=`), `${framed.status} ${toBroker ?? framed.body.slice(0, 200)}`);
    const answered = await browser.get(path(toBroker!));
    assert.equal(answered.status, 303);
    assert.match(String(answered.headers['set-cookie']), /idp_session=;|Max-Age=0/, 'the broker cookie is cleared');
    const report = frameReport(await browser.get(path(String(answered.headers.location))));
    assert.equal(report?.outcome, 'success', 'the IdP accepted the broker\'s signed LogoutResponse');
    assert.equal(await signedInAt(browser, f.broker.tenant.slug), false);
    assert.deepEqual(await logoutEvents(f.broker.tenant.slug), [['from_upstream', 'saml_slo', 1]]);

    // The same LogoutRequest again is a replay; unsigned, garbled, or at another tenant it is refused; none is a server error.
    assert.equal((await browser.get(path(toBroker!))).status, 400);
    const unsigned = new URL(toBroker!, sharedRuntime.url);
    unsigned.searchParams.delete('Signature');
    assert.equal((await browser.get(path(unsigned.href))).status, 400, 'unsigned');
    assert.equal((await browser.get(`/t/${f.broker.tenant.slug}/login/federated/saml/slo?SAMLRequest=%%%`)).status, 400);
    const other = await adminApi();
    assert.equal((await browser.get(path(toBroker!).replace(`/t/${f.broker.tenant.slug}/`, `/t/${other.tenant.slug}/`))).status, 400, 'another tenant has no such IdP');
    const reasons = (await auditEventsOf(f.broker.tenant.slug)).filter((e) => e.type === 'federation.failure').map((e) => String(e.details.reason));
    assert.match(reasons[0]!, /replay/);
  });
});
