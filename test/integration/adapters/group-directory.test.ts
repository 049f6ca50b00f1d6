import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { membershipItem } from '../../../shared/adapters/dynamodb/group-directory.ts';
import type { TableNames } from '../../../shared/adapters/dynamodb/table-names.ts';
import type { Group } from '../../../shared/domain/groups/group.ts';
import type { GroupDirectory } from '../../../shared/domain/ports/group-directory.ts';
import { InvalidCursor } from '../../../shared/domain/ports/pages.ts';
import type { UserDirectory } from '../../../shared/domain/ports/user-directory.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { audited, auditEvent, changed, directoryAdapters, directoryItems, newGroup, newUser } from '../../support/directory.ts';
import { signUpTenant } from '../../support/signup.ts';
import { seedTenant } from '../../support/tenants.ts';

let db: DynamoDBDocumentClient;
let tables: TableNames;
let users: UserDirectory;
let groups: GroupDirectory;

before(() => {
  ({ db, tables, users, groups } = directoryAdapters());
});

const tenant = async () => (await seedTenant(db)).id;

async function createdGroup(group: Group): Promise<Group> {
  assert.equal(await groups.createGroup(group, [auditEvent(group.tenant, 'group.created', group.id)]), 'done');
  return group;
}

async function createdUser(t: string): Promise<User> {
  const user = newUser(t);
  assert.equal(await users.createUser(user, {}, []), 'done');
  return user;
}



async function allMembers(t: string, groupId: string, limit = 200): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await groups.listMembers(t, groupId, { limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return ids.sort();
}

describe('DynamoDB group directory', () => {
  test('creates and reads a group with its name marker and audit event', async () => {
    const t = await tenant();
    const group = newGroup(t, { name: 'Engineering', description: 'Builds things', permissions: ['admin'] });
    const event = auditEvent(t, 'group.created', group.id);
    assert.equal(await groups.createGroup(group, [event]), 'done');
    assert.ok(await audited(event));
    assert.deepEqual(await groups.getGroup(t, group.id), group);
    assert.equal(await groups.getGroup(t, randomUUID()), undefined);
    assert.deepEqual((await directoryItems(t)).filter((i) => String(i.sk).startsWith('GROUPNAME#')).map((i) => [i.sk, i.groupId]), [['GROUPNAME#engineering', group.id]]);
  });

  test('keeps group names unique per tenant, compared case-insensitively', async () => {
    const t = await tenant();
    await createdGroup(newGroup(t, { name: 'Engineering' }));
    const again = newGroup(t, { name: ' ENGINEERING' });
    const event = auditEvent(t, 'group.created', again.id);
    assert.equal(await groups.createGroup(again, [event]), 'taken');
    assert.equal(await groups.getGroup(t, again.id), undefined);
    assert.equal(await audited(event), false);
    assert.equal(await groups.createGroup(newGroup(await tenant(), { name: 'engineering' }), []), 'done', 'another tenant has its own names');
  });

  test('updates a group with a version check and moves the name marker on rename', async () => {
    const t = await tenant();
    const group = await createdGroup(newGroup(t, { name: 'Support' }));
    const other = await createdGroup(newGroup(t, { name: 'Sales' }));

    const renamed = changed(group, { name: 'Customer Care', description: 'Helps', permissions: ['users:read'] });
    const event = auditEvent(t, 'group.updated', group.id);
    assert.equal(await groups.updateGroup(renamed, 1, [event]), 'done');
    assert.ok(await audited(event));
    assert.deepEqual(await groups.getGroup(t, group.id), renamed);
    assert.equal(await groups.createGroup(newGroup(t, { name: 'support' }), []), 'done', 'the old name is free again');
    assert.equal(await groups.createGroup(newGroup(t, { name: 'customer care' }), []), 'taken', 'the new name is held');

    assert.equal(await groups.updateGroup(changed(group, { description: 'stale' }), 1, []), 'conflict');
    assert.equal(await groups.updateGroup(changed(renamed, { name: 'SALES' }), 2, []), 'taken');
    assert.deepEqual(await groups.getGroup(t, group.id), renamed, 'a refused change changes nothing');
    assert.equal((await groups.getGroup(t, other.id))?.name, 'Sales');
    // A change of case only keeps the marker.
    const recased = changed(renamed, { name: 'CUSTOMER CARE' });
    assert.equal(await groups.updateGroup(recased, 2, []), 'done');
    assert.deepEqual((await directoryItems(t)).filter((i) => i.groupId === group.id && String(i.sk).startsWith('GROUPNAME#')).map((i) => i.sk), ['GROUPNAME#customer care']);
    assert.equal(await groups.updateGroup(changed(newGroup(t), {}), 1, []), 'missing');
  });

  test('adds, reports and removes memberships, and lists a user\'s groups', async () => {
    const t = await tenant();
    const user = await createdUser(t);
    const a = await createdGroup(newGroup(t, { name: 'a' }));
    const b = await createdGroup(newGroup(t, { name: 'b' }));
    const event = auditEvent(t, 'group.member_added', user.id);
    assert.equal(await groups.addMember(t, a.id, user.id, [event]), 'done');
    assert.ok(await audited(event));
    assert.equal(await groups.addMember(t, a.id, user.id, [auditEvent(t, 'group.member_added', user.id)]), 'exists');
    assert.equal(await groups.addMember(t, b.id, user.id, []), 'done');
    assert.deepEqual(await groups.groupsOf(t, user.id), [a, b]);
    assert.deepEqual(await allMembers(t, a.id), [user.id]);

    assert.equal(await groups.addMember(t, a.id, randomUUID(), []), 'missing', 'no such user');
    assert.equal(await groups.addMember(t, randomUUID(), user.id, []), 'missing', 'no such group');

    assert.equal(await groups.removeMember(t, a.id, user.id, [auditEvent(t, 'group.member_removed', user.id)]), 'done');
    assert.equal(await groups.removeMember(t, a.id, user.id, []), 'missing');
    assert.deepEqual(await groups.groupsOf(t, user.id), [b]);
    assert.deepEqual(await allMembers(t, a.id), []);
  });

  test('lists groups and members a page at a time, never memberships or name markers as groups', async () => {
    const t = await tenant();
    const all: Group[] = [];
    for (let i = 0; i < 5; i++) all.push(await createdGroup(newGroup(t)));
    const members: User[] = [];
    for (let i = 0; i < 5; i++) members.push(await createdUser(t));
    for (const user of members) assert.equal(await groups.addMember(t, all[0]!.id, user.id, []), 'done');
    await groups.addMember(t, all[1]!.id, members[0]!.id, []);

    const sizes: number[] = [];
    const listed: Group[] = [];
    let cursor: string | undefined;
    do {
      const page = await groups.listGroups(t, { limit: 2, ...(cursor ? { cursor } : {}) });
      sizes.push(page.items.length);
      listed.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(listed.map((g) => g.id).sort(), all.map((g) => g.id).sort());
    for (const group of listed) assert.deepEqual(group, all.find((g) => g.id === group.id));

    assert.deepEqual(await allMembers(t, all[0]!.id, 2), members.map((u) => u.id).sort());
    const first = await groups.listMembers(t, all[0]!.id, { limit: 2 });
    assert.equal(first.items.length, 2);
    await assert.rejects(groups.listMembers(t, all[1]!.id, { limit: 2, cursor: first.cursor! }), InvalidCursor, "another group's cursor");
    await assert.rejects(groups.listMembers(await tenant(), all[0]!.id, { limit: 2, cursor: first.cursor! }), InvalidCursor, "another tenant's cursor");
    await assert.rejects(groups.listGroups(t, { limit: 2, cursor: 'garbage!' }), InvalidCursor);
  });

  test('deletes a group with its memberships and name marker', async () => {
    const t = await tenant();
    const user = await createdUser(t);
    const group = await createdGroup(newGroup(t, { name: 'Doomed' }));
    const kept = await createdGroup(newGroup(t, { name: 'Kept' }));
    await groups.addMember(t, group.id, user.id, []);
    await groups.addMember(t, kept.id, user.id, []);

    assert.equal(await groups.deleteGroup(t, group.id, 2, []), 'conflict');
    const event = auditEvent(t, 'group.deleted', group.id);
    assert.equal(await groups.deleteGroup(t, group.id, 1, [event]), 'done');
    assert.ok(await audited(event));
    assert.equal(await groups.getGroup(t, group.id), undefined);
    assert.deepEqual(await groups.groupsOf(t, user.id), [kept]);
    assert.deepEqual(await allMembers(t, group.id), []);
    assert.deepEqual((await directoryItems(t)).filter((i) => JSON.stringify(i).includes(group.id)), [], 'nothing of the group is left');
    assert.equal(await groups.deleteGroup(t, group.id, undefined, []), 'missing');
    assert.equal(await groups.addMember(t, group.id, user.id, []), 'missing');
    assert.equal(await groups.createGroup(newGroup(t, { name: 'doomed' }), []), 'done', 'the name is free again');
  });

  test('deletes a group with more members than one transaction holds', async () => {
    const t = await tenant();
    const group = await createdGroup(newGroup(t));
    const memberships = Array.from({ length: 130 }, () => membershipItem(t, group.id, randomUUID()));
    for (let i = 0; i < memberships.length; i += 25) {
      await db.send(new BatchWriteCommand({ RequestItems: { [tables.directory]: memberships.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    assert.equal((await allMembers(t, group.id)).length, 130);
    assert.equal(await groups.deleteGroup(t, group.id, undefined, [auditEvent(t, 'group.deleted', group.id)]), 'done');
    assert.deepEqual(await allMembers(t, group.id), []);
  });

  test("keeps tenants apart: one tenant's group id is missing at another", async () => {
    const a = await tenant();
    const b = await tenant();
    const group = await createdGroup(newGroup(a));
    const userOfB = await createdUser(b);
    assert.equal(await groups.getGroup(b, group.id), undefined);
    assert.equal(await groups.updateGroup(changed({ ...group, tenant: b }, {}), 1, []), 'missing');
    assert.equal(await groups.deleteGroup(b, group.id, undefined, []), 'missing');
    assert.equal(await groups.addMember(b, group.id, userOfB.id, []), 'missing');
    assert.deepEqual((await groups.listGroups(b, { limit: 10 })).items, []);
    assert.deepEqual(await groups.getGroup(a, group.id), group);
  });

  test('a signed-up tenant starts with a versioned administrators group holding its administrator', async () => {
    const signedUp = await signUpTenant();
    const t = signedUp.slug;
    const { items } = await groups.listGroups(t, { limit: 10 });
    assert.equal(items.length, 1);
    const [administrators] = items;
    assert.equal(administrators!.name, 'administrators');
    assert.equal(administrators!.tenant, t);
    assert.equal(administrators!.version, 1);
    assert.deepEqual(administrators!.permissions, ['admin']);
    assert.equal(administrators!.updatedAt, administrators!.createdAt);
    assert.equal(await groups.createGroup(newGroup(t, { name: 'Administrators' }), []), 'taken');
    const admin = await users.findByLogin(t, signedUp.adminEmail);
    assert.ok(admin);
    assert.deepEqual(await groups.groupsOf(t, admin.user.id), [administrators]);
    assert.deepEqual((await groups.listMembers(t, administrators!.id, { limit: 10 })).items, [admin.user.id]);
  });
});
