import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedUser, InvalidUserChange, newUser, userDiff } from '../../../shared/domain/users/user-changes.ts';

const now = new Date('2026-11-23T12:00:00Z');

test('a new user: emails normalized, the first made primary, the user name defaulting to it', () => {
  const user = newUser('acme', { emails: [{ value: ' Ada@Example.com ' }, { value: 'ada@work.example', verified: true }] }, now);
  assert.equal(user.userName, 'Ada@Example.com');
  assert.deepEqual(user.emails.map((e) => [e.value, e.primary, e.verified]), [['Ada@Example.com', true, false], ['ada@work.example', false, true]]);
  assert.equal(user.version, 1);
  assert.equal(user.status, 'active');
});

test('refuses duplicate emails, two primaries, and a user name that is someone else’s email', () => {
  const cases: Array<[Parameters<typeof newUser>[1], string]> = [
    [{ emails: [{ value: 'a@x.example' }, { value: 'A@X.example' }] }, 'emails.1.value'],
    [{ emails: [{ value: 'a@x.example', primary: true }, { value: 'b@x.example', primary: true }] }, 'emails'],
    [{ userName: 'boss@x.example', emails: [{ value: 'a@x.example' }] }, 'userName'],
    [{ userName: '   ', emails: [] }, 'userName'],
  ];
  for (const [input, path] of cases) assert.throws(() => newUser('acme', input, now), (e: Error) => e instanceof InvalidUserChange && e.path === path, path);
});

test('a change keeps what it does not name, bumps the version, and cannot leave the user without an email', () => {
  const user = newUser('acme', { userName: 'ada', emails: [{ value: 'a@x.example' }], name: { givenName: 'Ada' } }, now);
  const changed = changedUser(user, { locale: 'en-GB', status: 'disabled' }, now);
  assert.equal(changed.userName, 'ada');
  assert.deepEqual(changed.name, { givenName: 'Ada' });
  assert.equal(changed.status, 'disabled');
  assert.equal(changed.version, 2);
  assert.throws(() => changedUser(user, { emails: [] }, now), InvalidUserChange);
});

test('the audit diff names only what changed', () => {
  const user = newUser('acme', { emails: [{ value: 'a@x.example' }], attributes: { team: 'a', site: 'b' } }, now);
  const changed = changedUser(user, { attributes: { site: 'b', team: 'c' }, locale: 'de' }, now);
  assert.deepEqual(userDiff(user, changed), { before: { locale: null, attributes: { team: 'a', site: 'b' } }, after: { locale: 'de', attributes: { site: 'b', team: 'c' } } });
  assert.deepEqual(userDiff(user, changedUser(user, { attributes: { site: 'b', team: 'a' } }, now)), { before: {}, after: {} }, 'key order is no change');
});
