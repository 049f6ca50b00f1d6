import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, registerClient } from '../../support/oidc-flows.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../../support/signup.ts';
import { csrfTokenOf, webClient, type WebClient } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const authorize = (tenant: SignedUpTenant, clientId: string, extra: Record<string, string> = {}) =>
  `/t/${tenant.slug}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: callbackUri, response_type: 'code', scope: 'openid email', state: 'st', ...extra })}`;

/** Signs in through the login page and stops at whatever comes after it (a consent page or the client). */
async function signIn(browser: WebClient, tenant: SignedUpTenant, path: string) {
  const toLogin = await browser.get(path);
  const login = await browser.get(String(toLogin.headers.location));
  const posted = await browser.postForm(`/t/${tenant.slug}/login`, { csrf: csrfTokenOf(login.body), identifier: tenant.adminEmail, password: tenant.adminPassword, tx: /name="tx" value="([^"]+)"/.exec(login.body)![1]! });
  return browser.get(String(posted.headers.location));
}

const consentEvents = async (slug: string) => (await auditEventsOf(slug)).filter((e) => e.type.startsWith('consent.')).map((e) => e.type);

describe('consent for third-party applications', () => {
  test('asks once, remembers the answer, and asks again for new scopes or prompt=consent', async () => {
    const tenant = await signUpTenant();
    const client = await registerClient(tenant, { first_party: false, client_name: 'Partner <App>' });
    const browser = webClient(sharedRuntime.url);
    const afterLogin = await signIn(browser, tenant, authorize(tenant, client.client_id));
    assert.equal(afterLogin.status, 303);
    const consentPage = await browser.get(String(afterLogin.headers.location));
    assert.equal(consentPage.status, 200);
    assert.match(consentPage.body, /Allow Partner &lt;App&gt; to access/);
    assert.match(consentPage.body, /Your email address/);
    const allowed = await browser.postForm(`/t/${tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consentPage.body), tx: /name="tx" value="([^"]+)"/.exec(consentPage.body)![1]!, decision: 'allow' });
    assert.equal(allowed.status, 303);
    assert.ok(new URL(String(allowed.headers.location)).searchParams.get('code'));

    const remembered = await browser.get(authorize(tenant, client.client_id));
    assert.ok(new URL(String(remembered.headers.location)).searchParams.get('code'), 'no second prompt for the same scopes');
    for (const extra of [{ scope: 'openid email profile' }, { prompt: 'consent' }] as Array<Record<string, string>>) {
      const again = await browser.get(authorize(tenant, client.client_id, extra));
      assert.match(String(again.headers.location), /\/oauth2\/consent\?tx=/, JSON.stringify(extra));
    }
    const none = await browser.get(authorize(tenant, client.client_id, { scope: 'openid email profile', prompt: 'none' }));
    assert.equal(new URL(String(none.headers.location)).searchParams.get('error'), 'consent_required');
    assert.deepEqual(await consentEvents(tenant.slug), ['consent.given']);
  });

  test('a denial goes back to the client as access_denied, with state and iss', async () => {
    const tenant = await signUpTenant();
    const client = await registerClient(tenant, { first_party: false });
    const browser = webClient(sharedRuntime.url);
    const consentPage = await browser.get(String((await signIn(browser, tenant, authorize(tenant, client.client_id))).headers.location));
    const denied = await browser.postForm(`/t/${tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consentPage.body), tx: /name="tx" value="([^"]+)"/.exec(consentPage.body)![1]!, decision: 'deny' });
    const location = new URL(String(denied.headers.location));
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'st');
    assert.equal(location.searchParams.get('iss'), tenant.issuer);
    assert.deepEqual(await consentEvents(tenant.slug), ['consent.denied']);
  });

  test('the consent form refuses a missing or foreign CSRF token, and another browser without the session', async () => {
    const tenant = await signUpTenant();
    const client = await registerClient(tenant, { first_party: false });
    const browser = webClient(sharedRuntime.url);
    const consentPage = await browser.get(String((await signIn(browser, tenant, authorize(tenant, client.client_id))).headers.location));
    const tx = /name="tx" value="([^"]+)"/.exec(consentPage.body)![1]!;
    assert.equal((await browser.postForm(`/t/${tenant.slug}/oauth2/consent`, { tx, decision: 'allow' })).status, 403);
    const attacker = webClient(sharedRuntime.url);
    await attacker.get(`/t/${tenant.slug}/login`);
    const forged = await attacker.postForm(`/t/${tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consentPage.body), tx, decision: 'allow' });
    assert.equal(forged.status, 403, 'consenting on behalf of another browser fails');
    assert.deepEqual(await consentEvents(tenant.slug), []);
  });

  test('a first-party application is not asked, and its consent is recorded', async () => {
    const tenant = await signUpTenant();
    const client = await registerClient(tenant, { first_party: true });
    const browser = webClient(sharedRuntime.url);
    const afterLogin = await signIn(browser, tenant, authorize(tenant, client.client_id));
    assert.ok(new URL(String(afterLogin.headers.location)).searchParams.get('code'));
    assert.deepEqual(await consentEvents(tenant.slug), ['consent.given']);
  });
});
