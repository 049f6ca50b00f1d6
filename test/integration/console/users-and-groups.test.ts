import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { signedInBrowser } from '../../support/account-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { consoleScreen, expectNotice, intoConsole } from '../../support/console.ts';
import { mailTo } from '../../support/mailbox.ts';
import { eventually } from '../../support/wait.ts';
import type { WebClient, WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

interface ApiUser {
  id: string;
  userName: string;
  emails: Array<{ value: string; verified: boolean; primary: boolean }>;
  name: { givenName?: string; familyName?: string; formatted?: string };
  phoneNumber?: string;
  locale?: string;
  status: string;
  passwordChangeRequired?: boolean;
  version: number;
}

const passphrase = 'a long enough passphrase 42';
const escaped = (text: string) => text.replace(/[.+?()[\]]/g, '\\$&');
const okNotice = (res: WebResponse, pattern: RegExp) => expectNotice(res, 'done', pattern);
const refusal = (res: WebResponse, pattern: RegExp) => expectNotice(res, 'refused', pattern);

/** A tenant, its console signed in, and a way to post a screen's forms. */
async function consoleOf(api: AdminApi) {
  const { browser } = await intoConsole(api);
  const screen = (path: string) => consoleScreen(browser, api, path);
  const user = async (id: string) => (await api.call('GET', `/users/${id}`)).json<ApiUser>();
  const createUser = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/users', { emails: [{ value: email, verified: true }], password: passphrase, ...extra });
    assert.equal(res.status, 201, res.body);
    return res.json<ApiUser>();
  };
  const adminId = (await api.call('GET', '/users?limit=200')).json<{ items: ApiUser[] }>().items.find((u) => u.emails.some((e) => e.value === api.tenant.adminEmail))!.id;
  const events = async (type: string) => (await auditEventsOf(api.tenant.slug)).filter((e) => e.type === type);
  return { browser, screen, user, createUser, adminId, events };
}

const emailIn = (api: AdminApi, who: string) => `${who}-${api.tenant.slug}@example.com`;

describe('the console: users', () => {
  let api: AdminApi;
  let c: Awaited<ReturnType<typeof consoleOf>>;
  before(async () => {
    api = await adminApi();
    c = await consoleOf(api);
  });

  test('the list links each user to their page; a user is created with an initial password the tenant\'s policy checks, or invited when none is given', async () => {
    const list = await c.screen('/users');
    assert.match(list.page.body, new RegExp(`href="/t/${api.tenant.slug}/console/users/${c.adminId}"`));

    const ann = emailIn(api, 'ann');
    const weak = await list.post('/users', { email: ann, givenName: 'Ann', familyName: 'Lee', password: 'short' });
    refusal(weak, /characters|password/i);
    assert.equal((await api.call('GET', '/users?limit=200')).json<{ items: ApiUser[] }>().items.some((u) => u.userName === ann), false, 'nothing created with a refused password');

    const created = await list.post('/users', { email: ann, givenName: 'Ann', familyName: 'Lee', password: passphrase });
    okNotice(created, /was created with the password given/);
    assert.match(created.body, new RegExp(`<h1>${escaped(ann)}</h1>`), 'ends on the new user\'s page');
    assert.doesNotMatch(created.body, new RegExp(passphrase), 'the password is not shown');
    const annId = /action="[^"]+\/users\/([^/"]+)\/profile"/.exec(created.body)![1]!;
    assert.deepEqual((await c.user(annId)).name, { givenName: 'Ann', familyName: 'Lee' });
    await signedInBrowser(api, { email: ann, password: passphrase });
    assert.equal((await c.events('user.created')).find((e) => e.subject === annId)?.details.withPassword, true);

    const bob = emailIn(api, 'bob');
    const invited = await list.post('/users', { email: bob, givenName: 'Bob', familyName: '', password: '' });
    okNotice(invited, new RegExp(`invitation went to ${escaped(bob)}`));
    const mail = await eventually('the invitation', async () => (await mailTo(bob)).at(-1));
    assert.match(mail.subject, /invited/);
    assert.equal((await c.events('user.invited')).length, 1);

    refusal(await list.post('/users', { email: 'not an email', password: '' }), /emails\.0\.value/);
    refusal(await list.post('/users', { email: bob, password: '' }), /already/i);
  });

  test('the user page shows the profile; the edit form changes name, phone, locale and emails; a stale or garbled edit is refused with the API\'s reason', async () => {
    const email = emailIn(api, 'carla');
    const carla = await c.createUser(email, { name: { givenName: 'Carla' } });
    const page = await c.screen(`/users/${carla.id}`);
    assert.equal(page.page.status, 200);
    assert.match(page.page.body, new RegExp(`<h1>${escaped(email)}</h1>`));
    assert.match(page.page.body, /<span class="badge">verified<\/span>/);
    assert.match(page.page.body, /id="profile-status">active/);
    const version = String(carla.version);

    const saved = await page.post(`/users/${carla.id}/profile`, { version, givenName: 'Carla', familyName: 'Diaz', formatted: '', phoneNumber: '+4915112345678', locale: 'de-CH', emails: `${email}\nc.diaz-${api.tenant.slug}@example.com` });
    okNotice(saved, /profile .* was saved/);
    const after = await c.user(carla.id);
    assert.deepEqual([after.name, after.phoneNumber, after.locale], [{ givenName: 'Carla', familyName: 'Diaz' }, '+4915112345678', 'de-CH']);
    assert.deepEqual(after.emails.map((e) => [e.value, e.verified, e.primary]), [[email, true, true], [`c.diaz-${api.tenant.slug}@example.com`, false, false]], 'the kept email stays verified, the new one is not');
    const updated = (await c.events('user.updated')).find((e) => e.subject === carla.id)!;
    assert.deepEqual((updated.details.after as { name: unknown }).name, { givenName: 'Carla', familyName: 'Diaz' });

    const stale = await page.post(`/users/${carla.id}/profile`, { version, givenName: 'Someone else', familyName: '', formatted: '', phoneNumber: '+4915112345678', locale: 'de-CH', emails: email });
    refusal(stale, /changed/);
    assert.equal((await c.user(carla.id)).name.givenName, 'Carla', 'a form read before the last change does not overwrite it');

    const current = String(after.version);
    const edit = (fields: Record<string, string>) => page.post(`/users/${carla.id}/profile`, { version: current, givenName: 'Carla', familyName: 'Diaz', formatted: '', phoneNumber: '+4915112345678', locale: 'de-CH', emails: email, ...fields });
    refusal(await edit({ givenName: 'x'.repeat(101) }), /name\.givenName/);
    refusal(await edit({ phoneNumber: '0151 not a number' }), /E\.164/);
    refusal(await edit({ locale: 'Klingon!' }), /locale/);
    refusal(await edit({ emails: 'not-an-email' }), /emails\.0\.value/);
    refusal(await edit({ emails: Array.from({ length: 11 }, (_, i) => `e${i}@example.com`).join('\n') }), /emails/);
    refusal(await edit({ emails: '' }), /at least one email/);
    refusal(await edit({ version: 'garbled' }), /reload/);
    assert.equal((await c.user(carla.id)).version, after.version, 'nothing refused was saved');
    // An emptied phone number or locale is removed, not kept.
    okNotice(await edit({ phoneNumber: '', locale: '' }), /profile .* was saved/);
    const emptied = await c.user(carla.id);
    assert.deepEqual([emptied.phoneNumber, emptied.locale, emptied.name.givenName], [undefined, undefined, 'Carla']);
  });

  test('lock and unlock (never oneself); sessions ended one by one or all at once; a reset link, a required change, a temporary password under the policy, the invitation again', async () => {
    const email = emailIn(api, 'dana');
    const dana = await c.createUser(email);
    const page = await c.screen(`/users/${dana.id}`);

    await signedInBrowser(api, { email, password: passphrase });
    await signedInBrowser(api, { email, password: passphrase });
    const sessions = async () => (await api.call('GET', `/users/${dana.id}/sessions`)).json<{ items: Array<{ id: string }> }>().items;
    const [first, second] = await sessions();
    const shown = await c.screen(`/users/${dana.id}`);
    assert.match(shown.page.body, new RegExp(`name="session" value="${escaped(first!.id)}"`));
    assert.match(shown.page.body, /<td>pwd<\/td>/, 'the sign-in methods');
    okNotice(await page.post(`/users/${dana.id}/sessions/end`, { session: first!.id }), /session ended/);
    assert.deepEqual((await sessions()).map((s) => s.id), [second!.id]);
    refusal(await page.post(`/users/${dana.id}/sessions/end`, { session: 'no-such-session' }), /No such session/);
    await signedInBrowser(api, { email, password: passphrase });
    okNotice(await page.post(`/users/${dana.id}/sessions/end-all`, {}), /All their sessions ended/);
    assert.deepEqual(await sessions(), []);
    const ended = (await c.events('session.ended')).filter((e) => e.subject === dana.id && e.details.reason === 'admin_revoked');
    assert.equal(ended.length, 3, 'the one, then the two left');
    assert.equal(ended[0]!.details.sid, first!.id);

    okNotice(await page.post(`/users/${dana.id}/lock`, {}), /is locked/);
    assert.equal((await c.user(dana.id)).status, 'locked');
    const lockedPage = await c.screen(`/users/${dana.id}`);
    assert.match(lockedPage.page.body, /id="profile-status">locked/);
    okNotice(await page.post(`/users/${dana.id}/unlock`, {}), /is unlocked/);
    assert.equal((await c.user(dana.id)).status, 'active');
    assert.deepEqual([(await c.events('user.locked')).at(-1)?.subject, (await c.events('user.unlocked')).at(-1)?.subject], [dana.id, dana.id]);
    assert.equal((await c.events('user.locked')).at(-1)?.actor.id, c.adminId, 'the administrator is the actor');
    refusal(await page.post(`/users/${c.adminId}/lock`, {}), /your own account/);
    assert.equal((await c.user(c.adminId)).status, 'active');

    okNotice(await page.post(`/users/${dana.id}/password-reset`, {}), new RegExp(`reset link went to ${escaped(email)}`));
    const reset = await eventually('the reset mail', async () => (await mailTo(email)).find((m) => /Reset your/.test(m.subject)));
    assert.match(reset.body.text ?? '', /\/login\/reset\?token=/);
    assert.equal((await c.events('password.reset_requested')).at(-1)?.details.by, 'administrator');

    okNotice(await page.post(`/users/${dana.id}/require-password-change`, { endSessions: 'yes' }), /new password at their next sign-in; their sessions ended/);
    assert.equal((await c.user(dana.id)).passwordChangeRequired, true);
    assert.equal((await c.events('user.password_change_required')).at(-1)?.subject, dana.id);

    refusal(await page.post(`/users/${dana.id}/password`, { password: 'weak' }), /characters|password/i);
    refusal(await page.post(`/users/${dana.id}/password`, { password: 'x'.repeat(2000) }), /password/);
    const temporary = 'a temporary passphrase 77';
    const set = await page.post(`/users/${dana.id}/password`, { password: temporary, requireChange: 'yes' });
    okNotice(set, /password was set/);
    assert.doesNotMatch(set.body, new RegExp(temporary), 'the password is not shown back');
    assert.equal((await c.events('user.password_set')).at(-1)?.subject, dana.id);

    okNotice(await page.post(`/users/${dana.id}/invite`, {}), /invitation went to/);
    await eventually('the invitation', async () => (await mailTo(email)).find((m) => /invited/.test(m.subject)));
  });

  test('factors are listed and removed one at a time; consents are shown', async () => {
    const factors = async () => (await api.call('GET', `/users/${c.adminId}/factors`)).json<{ items: Array<{ id: string; kind: string }> }>().items;
    const before = await factors();
    assert.ok(before.length >= 1, 'the administrator set up an authenticator app to enter the console');
    const page = await c.screen(`/users/${c.adminId}`);
    assert.match(page.page.body, new RegExp(`name="factor" value="${before[0]!.id}"`));
    assert.match(page.page.body, /<h2 id="consents-heading">Consents<\/h2>/);
    assert.doesNotMatch(page.page.body, /id="delete-link"/, 'no way to delete oneself');
    okNotice(await page.post(`/users/${c.adminId}/factors/remove`, { factor: before[0]!.id }), /factor was removed/);
    assert.deepEqual((await factors()).map((f) => f.id), before.slice(1).map((f) => f.id));
    assert.equal((await c.events('factor.removed')).at(-1)?.details.factorId, before[0]!.id);
    refusal(await page.post(`/users/${c.adminId}/factors/remove`, { factor: before[0]!.id }), /No such factor/);
    refusal(await page.post(`/users/${c.adminId}/factors/remove`, { factor: '<script>' }), /No such factor/);
  });

  test('deleting a user takes their email or username typed on a second page; then they are erased through the API', async () => {
    const email = emailIn(api, 'eve');
    const eve = await c.createUser(email);
    const page = await c.screen(`/users/${eve.id}`);
    assert.match(page.page.body, new RegExp(`href="/t/${api.tenant.slug}/console/users/${eve.id}/delete"`));
    const confirm = await c.screen(`/users/${eve.id}/delete`);
    assert.match(confirm.page.body, new RegExp(`<h1>Delete ${escaped(email)}</h1>`));
    refusal(await confirm.post(`/users/${eve.id}/delete`, { confirm: 'someone-else@example.com' }), /to confirm the deletion/);
    refusal(await confirm.post(`/users/${eve.id}/delete`, { confirm: '' }), /to confirm the deletion/);
    assert.equal((await api.call('GET', `/users/${eve.id}`)).status, 200, 'still there');
    okNotice(await confirm.post(`/users/${eve.id}/delete`, { confirm: ` ${email.toUpperCase()} ` }), /was deleted/);
    assert.equal((await api.call('GET', `/users/${eve.id}`)).status, 404);
    assert.equal((await c.events('user.deleted')).length, 1);

    refusal(await confirm.post(`/users/${c.adminId}/delete`, { confirm: api.tenant.adminEmail }), /your own account/);
    assert.equal((await api.call('GET', `/users/${c.adminId}`)).status, 200);
  });
});

describe('the console: groups', () => {
  let api: AdminApi;
  let c: Awaited<ReturnType<typeof consoleOf>>;
  before(async () => {
    api = await adminApi();
    c = await consoleOf(api);
  });
  const groups = async () => (await api.call('GET', '/groups?limit=200')).json<{ items: Array<{ id: string; name: string; permissions: string[]; version: number }> }>().items;
  const members = async (groupId: string) => (await api.call('GET', `/groups/${groupId}/members`)).json<{ items: Array<{ userId: string }> }>().items.map((m) => m.userId);

  test('groups are listed and created with permissions as a list; an unknown permission or an oversized name is refused with the API\'s reason', async () => {
    const list = await c.screen('/groups');
    assert.match(list.page.body, /<h1>Groups<\/h1>/);
    assert.match(list.page.body, />administrators<\/a><\/td><td>[^<]*<\/td><td>admin<\/td>/);
    okNotice(await list.post('/groups', { name: 'Support', description: 'Front desk', permissions: '' }), /Support was created/);
    okNotice(await list.post('/groups', { name: 'Deputies', description: '', permissions: 'admin,\nadmin' }), /Deputies was created/);
    const made = await groups();
    assert.deepEqual(made.filter((g) => g.name !== 'administrators').map((g) => [g.name, g.permissions]).sort(), [['Deputies', ['admin']], ['Support', []]]);
    assert.deepEqual((await c.events('group.created')).map((e) => e.details.name).filter((name) => name !== 'administrators').sort(), ['Deputies', 'Support']);

    const unknown = await list.post('/groups', { name: 'Root', description: '', permissions: 'superuser' });
    refusal(unknown, /permissions\.0/);
    assert.match(unknown.body, /value="Root"/, 'what was typed stays');
    refusal(await list.post('/groups', { name: 'x'.repeat(101), description: '', permissions: '' }), /name/);
    refusal(await list.post('/groups', { name: '', description: '', permissions: '' }), /name/);
    refusal(await list.post('/groups', { name: 'support', description: '', permissions: '' }), /already/i);
    assert.equal((await groups()).length, made.length, 'nothing refused was created');
  });

  test('a group\'s page: members added by email or username and removed, the group edited (a stale form refused), the user page adds and removes groups too', async () => {
    const email = emailIn(api, 'finn');
    const finn = await c.createUser(email, { userName: `finn-${api.tenant.slug}` });
    const created = (await api.call('POST', '/groups', { name: 'Editors' })).json<{ id: string; version: number }>();
    const page = await c.screen(`/groups/${created.id}`);
    assert.match(page.page.body, /<h1>Editors<\/h1>/);
    okNotice(await page.post(`/groups/${created.id}/members/add`, { login: `finn-${api.tenant.slug}` }), /was added to Editors/);
    assert.deepEqual(await members(created.id), [finn.id]);
    assert.match((await c.screen(`/groups/${created.id}`)).page.body, new RegExp(`>${escaped(email)}</a>`));
    refusal(await page.post(`/groups/${created.id}/members/add`, { login: 'nobody@example.com' }), /No user has that/);
    refusal(await page.post(`/groups/${created.id}/members/add`, { login: 'x'.repeat(5000) }), /No user has that/);
    okNotice(await page.post(`/groups/${created.id}/members/remove`, { user: finn.id }), /Removed from Editors/);
    assert.deepEqual(await members(created.id), []);
    assert.deepEqual((await c.events('group.member_removed')).map((e) => e.details.userId), [finn.id]);

    okNotice(await page.post(`/groups/${created.id}/edit`, { version: String(created.version), name: 'Writers', description: 'They write', permissions: '' }), /Writers was saved/);
    const renamed = (await api.call('GET', `/groups/${created.id}`)).json<{ name: string; description: string; version: number }>();
    assert.deepEqual([renamed.name, renamed.description], ['Writers', 'They write']);
    refusal(await page.post(`/groups/${created.id}/edit`, { version: String(created.version), name: 'Stale', description: '', permissions: '' }), /changed/);
    refusal(await page.post(`/groups/${created.id}/edit`, { version: String(renamed.version), name: 'Writers', description: 'd'.repeat(501), permissions: '' }), /description/);
    assert.equal((await api.call('GET', `/groups/${created.id}`)).json<{ name: string }>().name, 'Writers');

    const userPage = await c.screen(`/users/${finn.id}`);
    assert.match(userPage.page.body, new RegExp(`<option value="${created.id}">Writers</option>`));
    okNotice(await userPage.post(`/users/${finn.id}/groups/add`, { group: created.id }), /Added to Writers/);
    assert.deepEqual(await members(created.id), [finn.id]);
    assert.match((await c.screen(`/users/${finn.id}`)).page.body, new RegExp(`name="group" value="${created.id}"><button type="submit" class="secondary small">Remove from Writers`));
    okNotice(await userPage.post(`/users/${finn.id}/groups/remove`, { group: created.id }), /Removed from Writers/);
    assert.deepEqual(await members(created.id), []);
    refusal(await userPage.post(`/users/${finn.id}/groups/add`, { group: 'no-such-group' }), /No such group/);
  });

  test('the administrators cannot be emptied or deleted into a locked-out tenant: the API\'s reason is shown; another group is deleted after its name is typed', async () => {
    const admins = (await groups()).find((g) => g.name === 'administrators')!;
    // Deputies (made above) grants admin too but has no member: the administrators group is still the only way in.
    assert.ok((await groups()).some((g) => g.name === 'Deputies'));
    const page = await c.screen(`/groups/${admins.id}`);
    refusal(await page.post(`/groups/${admins.id}/members/remove`, { user: c.adminId }), /without an administrator/);
    assert.deepEqual(await members(admins.id), [c.adminId]);
    refusal(await page.post(`/groups/${admins.id}/edit`, { version: String(admins.version), name: 'administrators', description: '', permissions: '' }), /without an administrator/);

    const confirm = await c.screen(`/groups/${admins.id}/delete`);
    assert.match(confirm.page.body, /<h1>Delete the group administrators<\/h1>/);
    refusal(await confirm.post(`/groups/${admins.id}/delete`, { confirm: 'admins' }), /Type administrators to confirm/);
    refusal(await confirm.post(`/groups/${admins.id}/delete`, { confirm: 'administrators' }), /without an administrator/);
    assert.equal((await api.call('GET', `/groups/${admins.id}`)).status, 200);

    const support = (await groups()).find((g) => g.name === 'Support')!;
    okNotice(await confirm.post(`/groups/${support.id}/delete`, { confirm: 'Support' }), /Support was deleted/);
    assert.equal((await api.call('GET', `/groups/${support.id}`)).status, 404);
    assert.ok((await c.events('group.deleted')).some((e) => e.details.name === 'Support'));
  });
});

describe('the console\'s user and group screens against hostile requests', () => {
  test('every form needs the page\'s CSRF token; a user or group of another tenant is not found (404, never a 500); a made-up id too', async () => {
    const api = await adminApi();
    const c = await consoleOf(api);
    const other = await adminApi();
    const stranger = (await other.call('POST', '/users', { emails: [{ value: emailIn(other, 'stranger'), verified: true }] })).json<ApiUser>();
    const foreignGroup = (await other.call('POST', '/groups', { name: 'Theirs' })).json<{ id: string }>();
    const mine = await c.createUser(emailIn(api, 'gil'));
    const group = (await api.call('POST', '/groups', { name: 'Mine' })).json<{ id: string }>();
    const base = `/t/${api.tenant.slug}/console`;

    const userActions = ['profile', 'lock', 'unlock', 'password-reset', 'require-password-change', 'password', 'invite', 'sessions/end', 'sessions/end-all', 'factors/remove', 'groups/add', 'groups/remove', 'delete'];
    const groupActions = ['edit', 'members/add', 'members/remove', 'delete'];
    const posts = [`${base}/users`, `${base}/users/invite`, `${base}/groups`, ...userActions.map((a) => `${base}/users/${mine.id}/${a}`), ...groupActions.map((a) => `${base}/groups/${group.id}/${a}`)];
    for (const path of posts) {
      assert.equal((await c.browser.postForm(path, { confirm: emailIn(api, 'gil'), group: group.id, login: api.tenant.adminEmail, user: c.adminId, password: passphrase, email: emailIn(api, 'x') })).status, 403, `${path} without a CSRF token`);
      assert.equal((await c.browser.postForm(path, { csrf: 'forged', confirm: emailIn(api, 'gil') })).status, 403, `${path} with a forged CSRF token`);
    }
    assert.equal((await api.call('GET', `/users/${mine.id}`)).json<ApiUser>().status, 'active', 'no form without its token did anything');
    assert.equal((await api.call('GET', `/groups/${group.id}`)).status, 200);
    assert.deepEqual((await auditEventsOf(api.tenant.slug)).filter((e) => ['user.locked', 'user.deleted', 'group.deleted', 'group.member_added', 'user.invited'].includes(e.type)), []);

    const html = { accept: 'text/html' };
    const notFound = async (browser: WebClient, path: string) => {
      const res = await browser.get(path, html);
      assert.equal(res.status, 404, `${path}: ${res.body.slice(0, 200)}`);
      assert.match(res.body, /Not found/);
    };
    for (const path of [`/users/${stranger.id}`, `/users/${stranger.id}/delete`, `/groups/${foreignGroup.id}`, `/groups/${foreignGroup.id}/delete`, '/users/not-a-user', `/users/${'a'.repeat(300)}`, '/groups/%3Cscript%3E']) {
      await notFound(c.browser, `${base}${path}`);
    }
    const form = await c.screen(`/users/${mine.id}`);
    for (const action of userActions) {
      const res = await form.post(`/users/${stranger.id}/${action}`, { version: '1', confirm: emailIn(other, 'stranger'), emails: 'a@example.com', password: passphrase, session: 'x', factor: 'x', group: foreignGroup.id });
      assert.equal(res.status, 404, `${action} on another tenant's user`);
    }
    for (const action of groupActions) {
      const res = await form.post(`/groups/${foreignGroup.id}/${action}`, { version: '1', confirm: 'Theirs', name: 'Mine now', permissions: '', login: api.tenant.adminEmail, user: stranger.id });
      assert.equal(res.status, 404, `${action} on another tenant's group`);
    }
    refusal(await form.post(`/users/${mine.id}/groups/add`, { group: foreignGroup.id }), /No such group/);
    refusal(await form.post(`/groups/${group.id}/members/add`, { login: emailIn(other, 'stranger') }), /No user has that/);
    assert.deepEqual((await other.call('GET', `/users/${stranger.id}`)).json<ApiUser>().status, 'active');
    assert.equal((await other.call('GET', `/groups/${foreignGroup.id}`)).json<{ name: string }>().name, 'Theirs');
    assert.deepEqual((await other.call('GET', `/groups/${foreignGroup.id}/members`)).json<{ items: unknown[] }>().items, []);
  });
});
