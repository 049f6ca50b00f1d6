import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as oidc from 'openid-client';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { callbackUri, insecure, registerClient } from '../../support/oidc-flows.ts';
import { requestReset } from '../../support/password-reset.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { eventually } from '../../support/wait.ts';
import { csrfTokenOf, webClient, type WebClient } from '../../support/web-client.ts';
import { accountCall, signedInBrowser, siteOrigin } from '../../support/account-api.ts';

before(useSharedRuntimeEnvironment);

const origin = siteOrigin;
const account = (api: AdminApi) => `/t/${api.tenant.slug}/account/api`;
interface Person { id: string; userName: string; email: string; password: string }

/**
 * A member with data in every table: the user and their login markers, a group membership, an
 * authenticator app and recovery codes, a consent with its receipt (Directory); an SSO session,
 * a refresh-token family, a passkey ceremony, a reset link and its per-account rate bucket
 * (Sessions); the OIDC client in their session (SessionIndex); their events and activity
 * markers (Audit).
 */
async function memberWithDataEverywhere(api: AdminApi): Promise<{ person: Person; browser: WebClient }> {
  const email = `Member.${api.tenant.slug}@Example.com`;
  const password = 'an unrelated long passphrase 9';
  const created = await api.call('POST', '/users', { userName: `member-${api.tenant.slug}`, emails: [{ value: email, verified: true }], name: { givenName: 'Mina', familyName: 'Member' }, password });
  assert.equal(created.status, 201, created.body);
  const person = { id: created.json<{ id: string }>().id, userName: `member-${api.tenant.slug}`, email, password };
  const group = (await api.call('POST', '/groups', { name: 'auditors' })).json<{ id: string }>();
  assert.equal((await api.call('PUT', `/groups/${group.id}/members/${person.id}`)).status, 204);

  const browser = await signedInBrowser(api, person);
  const offer = (await accountCall(browser, 'POST', `${account(api)}/factors/totp`, {})).json<{ ceremony: string; manualKey: string }>();
  const { generate } = await import('otplib');
  assert.equal((await accountCall(browser, 'POST', `${account(api)}/factors/totp/confirm`, { ceremony: offer.ceremony, code: await generate({ secret: offer.manualKey.replace(/ /g, '') }) })).status, 201);
  assert.equal((await accountCall(browser, 'POST', `${account(api)}/factors/passkeys/options`, {})).status, 200);

  // A third-party application: consent (with receipt), tokens with a refresh token, and the client in the session.
  const client = await registerClient(api.tenant, { first_party: false, client_name: 'Partner', scope: 'openid email profile offline_access' });
  const config = await oidc.discovery(new URL(api.tenant.issuer), client.client_id, client.client_secret!, undefined, insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid email profile offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's' });
  const toConsent = await browser.get(`${url.pathname}${url.search}`);
  const consentPage = await browser.get(String(toConsent.headers.location));
  const allowed = await browser.postForm(`/t/${api.tenant.slug}/oauth2/consent`, { csrf: csrfTokenOf(consentPage.body), tx: /name="tx" value="([^"]+)"/.exec(consentPage.body)![1]!, decision: 'allow' });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(String(allowed.headers.location)), { pkceCodeVerifier: verifier, expectedState: 's' });
  assert.ok(tokens.refresh_token);

  await requestReset(api.tenant.slug, email);
  return { person, browser };
}

const tables = ['Directory', 'Sessions', 'SessionIndex', 'Audit'];

/** The test's own search, independent of the platform's: every item of every table, as JSON, for the person's id, userName or email. */
async function itemsNaming(person: Person): Promise<Array<{ table: string; pk: string; sk: string }>> {
  const db = createDocumentClient();
  const needles = [person.id, person.userName, person.email].map((n) => n.toLowerCase());
  const found = [];
  for (const table of tables) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v)).toLowerCase();
        if (needles.some((n) => text.includes(n))) found.push({ table, pk: String(item.pk), sk: String(item.sk) });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return found;
}

describe('right to be forgotten', () => {
  test('a user deletes their account: afterwards no item in any table names them, and their audit events carry only a pseudonym', async () => {
    const api = await adminApi();
    const { person, browser } = await memberWithDataEverywhere(api);
    const before = await eventually('every table holding the member', async () => {
      const found = await itemsNaming(person);
      return new Set(found.map((f) => f.table)).size === 4 ? found : undefined;
    });
    for (const prefix of ['USER#', 'FACTOR#', 'CONSENT#', 'CONSENTRECEIPT#']) assert.ok(before.some((f) => f.table === 'Directory' && f.sk.startsWith(prefix)), `set-up: ${prefix}`);

    const exported = await accountCall(browser, 'GET', `${account(api)}/export`);
    assert.equal(exported.status, 200);
    const data = exported.json<{ profile: { email?: string; emails: Array<{ value: string }> }; factors: Array<{ kind: string; sealedSecret?: string }>; consents: unknown[]; consentReceipts: unknown[]; auditEvents: Array<{ type: string }>; sessions: unknown[] }>();
    assert.equal(data.profile.emails[0]!.value, person.email);
    assert.deepEqual(data.factors.map((f) => f.kind).sort(), ['recovery_codes', 'totp']);
    assert.ok(data.factors.every((f) => f.sealedSecret === undefined), 'factors without secrets');
    assert.equal(data.consents.length, 1);
    assert.equal(data.consentReceipts.length, 1);
    assert.ok(data.auditEvents.some((e) => e.type === 'signin.success'), 'their own audit events');
    assert.equal(data.sessions.length, 1);

    const deleted = await accountCall(browser, 'DELETE', `${account(api)}/account`);
    assert.equal(deleted.status, 204, deleted.body);
    assert.match(String(deleted.headers['set-cookie']), /idp_session=;/);

    assert.deepEqual(await itemsNaming(person), [], 'nothing in any table names them');
    const check = await api.call('POST', '/personal-data/search', { userId: person.id, userNames: [person.userName], emails: [person.email] });
    assert.deepEqual(check.json<{ items: unknown[] }>().items, [], 'and the platform\'s own check agrees');

    const events = await auditEventsOf(api.tenant.slug);
    const erased = events.find((e) => e.type === 'user.erased')!;
    assert.match(erased.subject!, /^pseud_[A-Za-z0-9_-]{32}$/);
    assert.deepEqual([erased.details.by, erased.details.leftovers], ['user', 0]);
    const theirs = events.filter((e) => e.subject === erased.subject);
    assert.ok(theirs.some((e) => e.type === 'signin.success') && theirs.some((e) => e.type === 'user.deleted') && theirs.some((e) => e.type === 'consent.given'), 'their history is still there, under the pseudonym');
    assert.equal((await signedInBrowser(api, person).catch(() => 'refused')), 'refused', 'the account is gone');
  });

  test('an administrator erases a user the same way; erasure needs a recent sign-in and the site\'s own pages; another tenant\'s session does nothing', async () => {
    const api = await adminApi();
    const { person, browser } = await memberWithDataEverywhere(api);
    assert.equal((await browser.send('DELETE', `${account(api)}/account`, undefined, { origin: 'https://evil.example', accept: 'application/json' })).status, 403);
    const other = await adminApi();
    const cookie = `idp_session=${browser.jar.get('idp_session')!.value}`;
    assert.equal((await webClient(sharedRuntime.url).send('DELETE', `/t/${other.tenant.slug}/account/api/account`, undefined, { cookie, origin: origin(), accept: 'application/json' })).status, 401);

    const res = await api.call('DELETE', `/users/${person.id}`);
    assert.equal(res.status, 204, res.body);
    assert.deepEqual(await itemsNaming(person), []);
    const erased = (await auditEventsOf(api.tenant.slug)).find((e) => e.type === 'user.erased')!;
    assert.equal(erased.details.by, 'administrator');
    assert.equal(erased.actor.kind, 'client', 'the management client did it, and is named');
    // The administrator's own account and the tenant's configuration are untouched.
    assert.equal((await api.call('GET', '/users')).json<{ items: unknown[] }>().items.length, 1);
    assert.equal((await api.call('GET', '/groups')).json<{ items: Array<{ name: string }> }>().items.some((g) => g.name === 'auditors'), true);
  });
});
