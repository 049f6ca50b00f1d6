import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { groupItem, membershipItem } from '../../../shared/adapters/dynamodb/group-directory.ts';
import type { TableNames } from '../../../shared/adapters/dynamodb/table-names.ts';
import type { GroupDirectory } from '../../../shared/domain/ports/group-directory.ts';
import { InvalidCursor } from '../../../shared/domain/ports/pages.ts';
import type { UserDirectory } from '../../../shared/domain/ports/user-directory.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { audited, auditEvent, changed, directoryAdapters, directoryItems, newGroup, newUser } from '../../support/directory.ts';
import { seedTenant } from '../../support/tenants.ts';

let db: DynamoDBDocumentClient;
let tables: TableNames;
let users: UserDirectory;
let groups: GroupDirectory;

before(() => {
  ({ db, tables, users, groups } = directoryAdapters());
});

const tenant = async () => (await seedTenant(db)).id;

async function created(user: User, passwordHash?: string): Promise<User> {
  assert.equal(await users.createUser(user, passwordHash ? { passwordHash } : {}, [auditEvent(user.tenant, 'user.created', user.id)]), 'done');
  return user;
}



describe('DynamoDB user directory', () => {
  test('creates a user with its login markers and audit event, never returning its credentials', async () => {
    const t = await tenant();
    const user = newUser(t, { userName: 'Grace', emails: [{ value: 'Grace@Example.com', verified: true, primary: true }, { value: 'hopper@example.org', verified: false, primary: false }] });
    const event = auditEvent(t, 'user.created', user.id);
    assert.equal(await users.createUser(user, { passwordHash: 'hash-1' }, [event]), 'done');
    assert.ok(await audited(event), 'the event is written with the user');

    const stored = await users.getUser(t, user.id);
    assert.deepEqual(stored, user);
    for (const identifier of ['grace', ' GRACE@example.COM ', 'Hopper@Example.org']) {
      const found = await users.findByLogin(t, identifier);
      assert.equal(found?.user.id, user.id, identifier);
      assert.equal(found?.passwordHash, 'hash-1');
      assert.equal(found?.failedLogins, 0);
    }
    const markers = (await directoryItems(t)).filter((i) => String(i.sk).startsWith('LOGIN#')).map((i) => i.sk).sort();
    assert.deepEqual(markers, ['LOGIN#grace', 'LOGIN#grace@example.com', 'LOGIN#hopper@example.org']);
  });

  test('refuses a userName or email already in use, however it is cased, and writes nothing', async () => {
    const t = await tenant();
    const first = await created(newUser(t, { emails: [{ value: 'ada@example.com', verified: true, primary: true }] }));
    const sameEmail = newUser(t, { emails: [{ value: 'ADA@Example.COM', verified: true, primary: true }] });
    const event = auditEvent(t, 'user.created', sameEmail.id);
    assert.equal(await users.createUser(sameEmail, {}, [event]), 'taken');
    assert.equal(await users.getUser(t, sameEmail.id), undefined);
    assert.equal(await audited(event), false, 'no event for a change that did not happen');
    assert.equal(await users.createUser(newUser(t, { userName: 'Ada@example.com' }), {}, []), 'taken', "a userName equal to another user's email");
    assert.equal(await users.createUser(newUser(t, { userName: first.userName.toUpperCase() }), {}, []), 'taken');
    assert.equal((await users.findByLogin(t, 'ada@example.com'))?.user.id, first.id);
    // Another tenant has its own identifiers.
    assert.equal(await users.createUser(newUser(await tenant(), { emails: [{ value: 'ada@example.com', verified: true, primary: true }] }), {}, []), 'done');
  });

  test('updates a user when the version matches, and answers conflict to a stale one and missing to an unknown user', async () => {
    const t = await tenant();
    const user = await created(newUser(t, { phoneNumber: '+15550100', locale: 'en' }), 'hash-1');
    const { phoneNumber: _p, ...withoutPhone } = user;
    const next = changed(withoutPhone as User, { name: { givenName: 'Amazing' }, attributes: { team: 'navy' } });
    const event = auditEvent(t, 'user.updated', user.id);
    assert.equal(await users.updateUser(next, 1, {}, [event]), 'done');
    assert.ok(await audited(event));
    const stored = await users.getUser(t, user.id);
    assert.deepEqual(stored, next, 'attributes the new user lacks are removed');
    assert.equal(stored?.phoneNumber, undefined);
    assert.equal((await users.findByLogin(t, user.userName))?.passwordHash, 'hash-1', 'the password is kept');

    assert.equal(await users.updateUser(changed(user, { locale: 'fr' }), 1, {}, []), 'conflict', 'version 1 is stale now');
    assert.equal((await users.getUser(t, user.id))?.locale, 'en');
    assert.equal(await users.updateUser(changed(newUser(t), {}), 1, {}, []), 'missing');
  });

  test('moves login markers on rename: the old identifiers are free again, the new ones find the user', async () => {
    const t = await tenant();
    const user = await created(newUser(t, { userName: 'old-name', emails: [{ value: 'old@example.com', verified: true, primary: true }, { value: 'kept@example.com', verified: true, primary: false }] }));
    const other = await created(newUser(t, { userName: 'other', emails: [{ value: 'other@example.com', verified: true, primary: true }] }));

    const renamed = changed(user, { userName: 'New-Name', emails: [{ value: 'new@example.com', verified: false, primary: true }, { value: 'kept@example.com', verified: true, primary: false }] });
    assert.equal(await users.updateUser(renamed, 1, {}, []), 'done');
    assert.equal(await users.findByLogin(t, 'old-name'), undefined);
    assert.equal(await users.findByLogin(t, 'old@example.com'), undefined);
    for (const identifier of ['new-name', 'NEW@example.com', 'kept@example.com']) assert.equal((await users.findByLogin(t, identifier))?.user.id, user.id, identifier);
    const markers = (await directoryItems(t)).filter((i) => i.userId === user.id && String(i.sk).startsWith('LOGIN#')).map((i) => i.sk).sort();
    assert.deepEqual(markers, ['LOGIN#kept@example.com', 'LOGIN#new-name', 'LOGIN#new@example.com']);
    assert.equal(await users.createUser(newUser(t, { userName: 'Old-Name', emails: [{ value: 'old@example.com', verified: true, primary: true }] }), {}, []), 'done');

    const grab = changed(renamed, { emails: [...renamed.emails, { value: 'Other@Example.com', verified: false, primary: false }] });
    assert.equal(await users.updateUser(grab, 2, {}, []), 'taken');
    assert.deepEqual(await users.getUser(t, user.id), renamed, 'a refused change changes nothing');
    assert.equal((await users.findByLogin(t, 'other@example.com'))?.user.id, other.id);
    assert.equal(await users.updateUser(changed(renamed, { userName: 'other' }), 2, {}, []), 'taken');
  });

  test('replaces the password and clears a lockout when asked, and reports a lockout in force', async () => {
    const t = await tenant();
    const user = await created(newUser(t), 'hash-1');
    assert.equal(await users.lockedUntil(t, user.id), undefined);
    const until = Date.now() + 60_000;
    const lock = await users.recordFailedLogin(t, user.id, { maxFailures: 1, lockUntil: until, now: Date.now() }, auditEvent(t, 'signin.failure', user.id), auditEvent(t, 'user.locked', user.id));
    assert.equal(lock.locked, true);
    assert.equal(await users.lockedUntil(t, user.id), until);

    const second = changed(user, { locale: 'de' });
    assert.equal(await users.updateUser(second, 1, {}, []), 'done');
    assert.equal(await users.lockedUntil(t, user.id), until, 'a plain update leaves the lockout alone');
    assert.equal((await users.findByLogin(t, user.userName))?.passwordHash, 'hash-1');
    assert.equal(await users.updateUser(changed(second, {}), 2, { passwordHash: 'hash-2', clearLockout: true }, [auditEvent(t, 'user.unlocked', user.id)]), 'done');
    assert.equal(await users.lockedUntil(t, user.id), undefined);
    const found = await users.findByLogin(t, user.userName);
    assert.equal(found?.passwordHash, 'hash-2');
    assert.equal(found?.failedLogins, 0);
    assert.equal(found?.lockedUntil, undefined);

    // A lockout that has run out holds nobody.
    await users.recordFailedLogin(t, user.id, { maxFailures: 1, lockUntil: Date.now() - 1, now: Date.now() }, auditEvent(t, 'signin.failure', user.id), auditEvent(t, 'user.locked', user.id));
    assert.equal(await users.lockedUntil(t, user.id), undefined);
  });

  test('deletes a user with its markers, group memberships and second factors', async () => {
    const t = await tenant();
    const user = await created(newUser(t, { emails: [{ value: 'gone@example.com', verified: true, primary: true }] }));
    const group = newGroup(t);
    assert.equal(await groups.createGroup(group, []), 'done');
    assert.equal(await groups.addMember(t, group.id, user.id, []), 'done');
    const factor = (kind: string) => ({ PutRequest: { Item: { pk: `TENANT#${t}`, sk: `FACTOR#${user.id}#${kind}`, tenant: t, userId: user.id, kind, id: randomUUID(), sealedSecret: 'sealed' } } });
    await db.send(new BatchWriteCommand({ RequestItems: { [tables.directory]: [factor('totp'), factor('recovery_codes')] } }));

    assert.equal(await users.deleteUser(t, user.id, 2, []), 'conflict');
    assert.ok(await users.getUser(t, user.id));
    const event = auditEvent(t, 'user.deleted', user.id);
    assert.equal(await users.deleteUser(t, user.id, 1, [event]), 'done');
    assert.ok(await audited(event));
    assert.equal(await users.getUser(t, user.id), undefined);
    assert.equal(await users.findByLogin(t, 'gone@example.com'), undefined);
    assert.equal(await users.findByLogin(t, user.userName), undefined);
    assert.deepEqual((await groups.listMembers(t, group.id, { limit: 10 })).items, []);
    assert.deepEqual(await groups.groupsOf(t, user.id), []);
    assert.deepEqual((await directoryItems(t)).filter((i) => JSON.stringify(i).includes(user.id)), [], 'nothing of the user is left');
    assert.equal(await users.deleteUser(t, user.id, undefined, []), 'missing');
    assert.equal(await users.createUser(newUser(t, { emails: [{ value: 'gone@example.com', verified: true, primary: true }] }), {}, []), 'done', 'the email is free again');
  });

  test('deletes a user who belongs to more groups than one transaction holds', async () => {
    const t = await tenant();
    const user = await created(newUser(t));
    const many = Array.from({ length: 120 }, () => newGroup(t));
    const items = many.flatMap((g) => [groupItem(g), membershipItem(t, g.id, user.id)]);
    for (let i = 0; i < items.length; i += 25) {
      await db.send(new BatchWriteCommand({ RequestItems: { [tables.directory]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    assert.equal((await groups.groupsOf(t, user.id)).length, 120);
    assert.equal(await users.deleteUser(t, user.id, undefined, [auditEvent(t, 'user.deleted', user.id)]), 'done');
    assert.deepEqual(await groups.groupsOf(t, user.id), []);
    assert.equal((await directoryItems(t)).filter((i) => String(i.sk).startsWith('MEMBER#')).length, 0);
  });

  test('lists users a page at a time with opaque cursors, without credentials', async () => {
    const t = await tenant();
    const all = [];
    for (let i = 0; i < 5; i++) all.push(await created(newUser(t), `hash-${i}`));
    const group = newGroup(t);
    await groups.createGroup(group, []);
    await groups.addMember(t, group.id, all[0]!.id, []);

    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await users.listUsers(t, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page);
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(pages.map((p) => p.items.length), [2, 2, 1]);
    assert.match(pages[0]!.cursor!, /^[A-Za-z0-9_-]+$/);
    const listed = pages.flatMap((p) => p.items);
    assert.deepEqual(listed.map((u) => u.id).sort(), all.map((u) => u.id).sort());
    for (const user of listed) {
      assert.deepEqual(user, all.find((u) => u.id === user.id));
      assert.ok(!('passwordHash' in user) && !('failedLogins' in user) && !('lockedUntil' in user));
    }
    const whole = await users.listUsers(t, { limit: 5 });
    assert.equal(whole.items.length, 5);
    assert.equal(whole.cursor, undefined, 'no cursor when nothing follows');
  });

  test('refuses a cursor of another tenant or listing, and one that does not decode', async () => {
    const a = await tenant();
    const b = await tenant();
    for (const t of [a, b]) for (let i = 0; i < 3; i++) await created(newUser(t));
    const foreign = (await users.listUsers(a, { limit: 1 })).cursor!;
    assert.ok(foreign);
    await assert.rejects(users.listUsers(b, { limit: 1, cursor: foreign }), InvalidCursor);
    for (const garbage of ['not a cursor', 'bm90IGpzb24', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"pk":5}').toString('base64url'), '']) {
      await assert.rejects(users.listUsers(a, { limit: 1, cursor: garbage }), InvalidCursor, JSON.stringify(garbage));
    }
    // A cursor of this tenant's groups is not one of its users.
    for (let i = 0; i < 2; i++) await groups.createGroup(newGroup(a), []);
    const groupCursor = (await groups.listGroups(a, { limit: 1 })).cursor!;
    await assert.rejects(users.listUsers(a, { limit: 1, cursor: groupCursor }), InvalidCursor);
    const smuggled = Buffer.from(JSON.stringify({ pk: `TENANT#${a}`, sk: 'USER#x', gsi1pk: 'x' })).toString('base64url');
    await assert.rejects(users.listUsers(a, { limit: 1, cursor: smuggled }), InvalidCursor);
  });

  test("keeps tenants apart: one tenant's user id is missing at another", async () => {
    const a = await tenant();
    const b = await tenant();
    const user = await created(newUser(a));
    const groupOfB = newGroup(b);
    await groups.createGroup(groupOfB, []);
    assert.equal(await users.getUser(b, user.id), undefined);
    assert.equal(await users.lockedUntil(b, user.id), undefined);
    assert.equal(await users.updateUser(changed({ ...user, tenant: b }, {}), 1, {}, []), 'missing');
    assert.equal(await users.deleteUser(b, user.id, undefined, []), 'missing');
    assert.equal(await users.deleteUser(b, user.id, 1, []), 'missing');
    assert.equal(await groups.addMember(b, groupOfB.id, user.id, []), 'missing');
    assert.equal(await users.findByLogin(b, user.userName), undefined);
    assert.deepEqual(await users.getUser(a, user.id), user, 'the user is untouched at its own tenant');
  });

  test('of racing writes, one wins and the others are told why', async () => {
    const t = await tenant();
    const contenders = Array.from({ length: 4 }, () => newUser(t, { emails: [{ value: 'race@example.com', verified: true, primary: true }] }));
    const outcomes = await Promise.all(contenders.map((user) => users.createUser(user, {}, [])));
    assert.deepEqual(outcomes.sort(), ['done', 'taken', 'taken', 'taken']);

    const user = await created(newUser(t));
    const updates = await Promise.all(['a', 'b', 'c'].map((locale) => users.updateUser(changed(user, { locale }), 1, {}, [])));
    assert.deepEqual(updates.sort(), ['conflict', 'conflict', 'done']);
    assert.equal((await users.getUser(t, user.id))?.version, 2);
  });

  test('creating the same user id twice is an error, not taken', async () => {
    const t = await tenant();
    const user = await created(newUser(t));
    await assert.rejects(users.createUser({ ...newUser(t), id: user.id }, {}, []), /TransactionCanceled|conditional/i);
    assert.equal(await users.createUser({ ...newUser(t), id: randomUUID() }, {}, []), 'done');
  });
});
