import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { accountCall, signedInBrowser } from '../../support/account-api.ts';

before(useSharedRuntimeEnvironment);

const path = (a: AdminApi, rest: string) => `/t/${a.tenant.slug}/account/api${rest}`;
describe('account API: profile and sessions', () => {
  test('a user reads and edits their profile (not their addresses or username), audited', async () => {
    const a = await adminApi();
    const browser = await signedInBrowser(a);
    const profile = (await accountCall(browser, 'GET', path(a, '/profile'))).json<{ id: string; emails: Array<{ value: string }>; userName: string }>();
    assert.equal(profile.emails[0]!.value, a.tenant.adminEmail);
    const changed = await accountCall(browser, 'PATCH', path(a, '/profile'), { name: { givenName: 'Ada' }, locale: 'pt-BR', phoneNumber: '+447700900123' });
    assert.equal(changed.status, 200, changed.body);
    assert.deepEqual([changed.json<{ name: { givenName: string }; locale: string }>().name.givenName, changed.json<{ locale: string }>().locale], ['Ada', 'pt-BR']);
    assert.equal((await a.call('GET', `/users/${profile.id}`)).json<{ locale: string }>().locale, 'pt-BR', 'the directory has it');
    for (const body of [{ emails: [{ value: 'x@evil.example' }] }, { userName: 'root' }, { phoneNumber: '12345' }, { locale: '<script>' }, { name: { givenName: '' } }]) {
      const refused = await accountCall(browser, 'PATCH', path(a, '/profile'), body);
      assert.equal(refused.status, 400, JSON.stringify(body));
    }
    assert.equal((await accountCall(browser, 'PATCH', path(a, '/profile'), { locale: 'fr' }, { origin: 'https://evil.example' })).status, 403);
    // null removes a field the user no longer wants kept.
    const removed = await accountCall(browser, 'PATCH', path(a, '/profile'), { phoneNumber: null, locale: null });
    assert.equal(removed.status, 200, removed.body);
    assert.deepEqual(Object.keys(removed.json<Record<string, unknown>>()).filter((k) => k === 'phoneNumber' || k === 'locale'), []);
    const stored = (await a.call('GET', `/users/${profile.id}`)).json<Record<string, unknown>>();
    assert.deepEqual([stored.phoneNumber, stored.locale, (stored.name as { givenName: string }).givenName], [undefined, undefined, 'Ada']);
    const updates = (await auditEventsOf(a.tenant.slug)).filter((e) => e.type === 'user.updated' && e.details.by === 'self');
    assert.deepEqual(updates.map((e) => e.details.fields), [['name', 'phoneNumber', 'locale'], ['phoneNumber', 'locale']]);
  });

  test('a user sees their sessions and signs one out from another browser; the other browser is signed out', async () => {
    const a = await adminApi();
    const laptop = await signedInBrowser(a);
    const phone = await signedInBrowser(a);
    const sessions = (await accountCall(laptop, 'GET', path(a, '/sessions'))).json<{ items: Array<{ id: string; current: boolean; methods: string[] }> }>().items;
    assert.equal(sessions.length, 2);
    assert.equal(sessions.filter((s) => s.current).length, 1);
    assert.deepEqual(sessions[0]!.methods, ['pwd']);
    const phoneSession = sessions.find((s) => !s.current)!;
    assert.equal((await accountCall(laptop, 'DELETE', path(a, `/sessions/${phoneSession.id}`))).status, 204);
    assert.equal((await accountCall(phone, 'GET', path(a, '/profile'))).status, 401, 'the phone is signed out');
    assert.equal((await accountCall(laptop, 'GET', path(a, '/profile'))).status, 200, 'the laptop is not');
    assert.equal((await accountCall(laptop, 'DELETE', path(a, `/sessions/${phoneSession.id}`))).status, 404, 'already gone');

    // Another tenant's user cannot end this user's session by its id.
    const b = await adminApi();
    const stranger = await signedInBrowser(b);
    const laptopSession = (await accountCall(laptop, 'GET', path(a, '/sessions'))).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    assert.equal((await accountCall(stranger, 'DELETE', path(b, `/sessions/${laptopSession}`))).status, 404);
    const own = await accountCall(laptop, 'DELETE', path(a, `/sessions/${laptopSession}`));
    assert.equal(own.status, 204);
    assert.match(String(own.headers['set-cookie']), /idp_session=;/, 'signing out the current session clears its cookie');
  });
});
