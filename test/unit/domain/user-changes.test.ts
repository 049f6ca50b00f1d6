import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedUser, InvalidUserChange, newUser, replacedUser, userDiff } from '../../../shared/domain/users/user-changes.ts';

const now = new Date('2026-11-23T12:00:00Z');

test('a new user: emails normalized, the first made primary, the user name defaulting to it', () => {
  const user = newUser('acme', { emails: [{ value: ' Ada@Example.com ' }, { value: 'ada@work.example', verified: true }] }, now);
  assert.equal(user.userName, 'Ada@Example.com');
  assert.deepEqual(user.emails.map((e) => [e.value, e.primary, e.verified]), [['Ada@Example.com', true, false], ['ada@work.example', false, true]]);
  assert.equal(user.version, 1);
  assert.equal(user.status, 'active');
});

test('refuses duplicate emails, two primaries, and no user name at all', () => {
  const cases: Array<[Parameters<typeof newUser>[1], string]> = [
    [{ emails: [{ value: 'a@x.example' }, { value: 'A@X.example' }] }, 'emails.1.value'],
    [{ emails: [{ value: 'a@x.example', primary: true }, { value: 'b@x.example', primary: true }] }, 'emails'],
    [{ userName: '   ', emails: [] }, 'userName'],
  ];
  for (const [input, path] of cases) assert.throws(() => newUser('acme', input, now), (e: Error) => e instanceof InvalidUserChange && e.path === path, path);
});

test('a change keeps what it does not name and bumps the version', () => {
  const user = newUser('acme', { userName: 'ada', emails: [{ value: 'a@x.example' }], name: { givenName: 'Ada' } }, now);
  const changed = changedUser(user, { locale: 'en-GB', status: 'disabled' }, now);
  assert.equal(changed.userName, 'ada');
  assert.deepEqual(changed.name, { givenName: 'Ada' });
  assert.equal(changed.status, 'disabled');
  assert.equal(changed.version, 2);
});

test('the audit diff names only what changed', () => {
  const user = newUser('acme', { emails: [{ value: 'a@x.example' }], attributes: { team: 'a', site: 'b' } }, now);
  const changed = changedUser(user, { attributes: { site: 'b', team: 'c' }, locale: 'de' }, now);
  assert.deepEqual(userDiff(user, changed), { before: { locale: null, attributes: { team: 'a', site: 'b' } }, after: { locale: 'de', attributes: { site: 'b', team: 'c' } } });
  assert.deepEqual(userDiff(user, changedUser(user, { attributes: { site: 'b', team: 'a' } }, now)), { before: {}, after: {} }, 'key order is no change');
});

test('a replacement drops what it leaves out but keeps identity, creation and a lock', () => {
  const user = { ...newUser('acme', { userName: 'ada', emails: [{ value: 'a@x.example' }], locale: 'en', externalId: 'e-1' }, now), status: 'locked' as const };
  const replaced = replacedUser(user, { userName: 'ada.l', emails: [] }, true, new Date('2026-11-24T00:00:00Z'));
  assert.equal(replaced.id, user.id);
  assert.equal(replaced.createdAt, user.createdAt);
  assert.equal(replaced.locale, undefined);
  assert.equal(replaced.externalId, undefined);
  assert.equal(replaced.status, 'locked', 'active=true does not lift an administrator’s lock');
  assert.equal(replacedUser(user, { userName: 'ada', emails: [] }, false, now).status, 'disabled');
  assert.equal(replacedUser({ ...user, status: 'disabled' }, { userName: 'ada', emails: [] }, true, now).status, 'active');
  assert.equal(replaced.version, user.version + 1);
});
