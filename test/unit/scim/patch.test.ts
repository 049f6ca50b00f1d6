import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScimError } from '../../../shared/domain/scim/errors.ts';
import { applyPatch, maxPatchOperations, patchOpSchema } from '../../../shared/domain/scim/patch.ts';
import { bare, bjensen, enterprise, group, jsmith } from './samples.ts';

type Json = Record<string, unknown>;

const patch = (...Operations: unknown[]) => ({ schemas: [patchOpSchema], Operations });

/** Applies and returns the result; the input must come out untouched. */
function applied(resource: Json, ...operations: unknown[]): Json {
  const before = structuredClone(resource);
  const result = applyPatch(resource, patch(...operations));
  assert.deepEqual(resource, before, 'the input is not modified');
  return result;
}

function refused(scimType: string, pattern: RegExp, run: () => unknown): void {
  assert.throws(run, (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === scimType && pattern.test(error.message), `${scimType} ${pattern}`);
}

const babs = '2819c223-7f76-453a-919d-413861904646';
const mandy = '902c246b-6245-4190-8e05-00816be7344a';
const members = (result: Json) => (result.members as Json[] | undefined)?.map((member) => member.value);

test('RFC 7644 §3.5.2.1 add: members appended, emails and nickname added without a path', () => {
  const added = applied(group(), {
    op: 'add',
    path: 'members',
    value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${babs}`, value: babs }, { display: 'James', value: 'new-id' }],
  });
  assert.deepEqual(members(added), [babs, mandy, 'new-id'], 'a value already there is not added twice');

  const user = applied(jsmith(), { op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } });
  assert.deepEqual(user.emails, [{ value: 'john@example.org', type: 'home' }, { value: 'babs@jensen.org', type: 'home' }]);
  assert.equal(user.nickName, 'Babs', 'a new attribute known to the core schema gets its canonical spelling');

  const renamed = applied(bjensen(), { op: 'add', value: { nickname: 'Bee' } });
  assert.equal(renamed.nickName, 'Bee', 'an existing attribute keeps its spelling');
  assert.equal(renamed.nickname, undefined);
});

test('add: to a missing attribute, to a complex one, to a single-valued one, to a sub-attribute', () => {
  const table: Array<[string, Json, unknown, (result: Json) => unknown, unknown]> = [
    ['creates a missing attribute', bare(), { op: 'add', path: 'title', value: 'Guide' }, (r) => r.title, 'Guide'],
    ['a missing multi-valued attribute gets a list', bare(), { op: 'add', path: 'emails', value: { value: 'a@b.c' } }, (r) => r.emails, [{ value: 'a@b.c' }]],
    ['replaces a single value', bjensen(), { op: 'add', path: 'title', value: 'Boss' }, (r) => r.title, 'Boss'],
    ['merges into a complex attribute', bjensen(), { op: 'add', path: 'name', value: { middleName: 'Jane', givenName: 'Barb' } }, (r) => r.name, { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barb', middleName: 'Jane' }],
    ['a sub-attribute', bjensen(), { op: 'add', path: 'name.honorificSuffix', value: 'III' }, (r) => (r.name as Json).honorificSuffix, 'III'],
    ['a sub-attribute of a missing attribute', bare(), { op: 'add', path: 'name.givenName', value: 'B' }, (r) => r.name, { givenName: 'B' }],
    ['names are case-insensitive', bjensen(), { op: 'add', path: 'NAME.GIVENNAME', value: 'B' }, (r) => r.name, { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'B' }],
    ['a core-schema path is the top level', bare(), { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:displayName', value: 'D' }, (r) => r.displayName, 'D'],
    ['an existing value is not repeated', jsmith(), { op: 'add', path: 'emails', value: [{ value: 'john@example.org', type: 'home' }] }, (r) => (r.emails as Json[]).length, 1],
    ['several values, duplicates dropped', bare(), { op: 'add', path: 'emails', value: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] }, (r) => r.emails, [{ value: 'a' }, { value: 'b' }]],
    ['dotted keys in a path-less value', bare(), { op: 'add', value: { 'name.givenName': 'G', 'name.familyName': 'F' } }, (r) => r.name, { givenName: 'G', familyName: 'F' }],
    ['a complex value without a path merges', bjensen(), { op: 'add', value: { name: { givenName: 'X' } } }, (r) => (r.name as Json).familyName, 'Jensen'],
  ];
  for (const [name, resource, operation, read, expected] of table) assert.deepEqual(read(applied(resource, operation)), expected, name);
});

test('add with a value filter: sets the sub-attribute on matching values, or adds a value the filter describes', () => {
  const user = applied(bjensen(), { op: 'add', path: 'emails[type eq "work"].display', value: 'Work' });
  assert.deepEqual((user.emails as Json[]).map((email) => email.display), ['Work', undefined]);

  // Entra ID adds a work email this way to a user who has none.
  const entra = applied(jsmith(), { op: 'Add', path: 'emails[type eq "work"].value', value: 'john@work.example' });
  assert.deepEqual(entra.emails, [{ value: 'john@example.org', type: 'home' }, { type: 'work', value: 'john@work.example' }]);
  const none = applied(bare(), { op: 'add', path: 'addresses[type eq "work"].country', value: 'AU' });
  assert.deepEqual(none.addresses, [{ type: 'work', country: 'AU' }]);
  const both = applied(bare(), { op: 'add', path: 'phoneNumbers[type eq "mobile" and primary eq true]', value: { value: '555' } });
  assert.deepEqual(both.phoneNumbers, [{ type: 'mobile', primary: true, value: '555' }]);
  const merged = applied(bjensen(), { op: 'add', path: 'addresses[type eq "home"]', value: { region: 'NV' } });
  assert.equal((merged.addresses as Json[])[1]!.region, 'NV');

  refused('noTarget', /does not describe a new one/, () => applied(bjensen(), { op: 'add', path: 'emails[value co "nothing"].type', value: 'x' }));
  refused('noTarget', /does not describe a new one/, () => applied(bjensen(), { op: 'add', path: 'emails[type eq "a" or type eq "b"].display', value: 'x' }));
  refused('invalidPath', /not multi-valued/, () => applied(bjensen(), { op: 'add', path: 'title[value eq "x"].display', value: 'x' }));
  refused('invalidValue', /must be an object/, () => applied(bjensen(), { op: 'add', path: 'emails[type eq "work"]', value: 'x' }));
});

test('RFC 7644 §3.5.2.3 replace: all members, a work address, a street, emails and nickname without a path', () => {
  const replaced = applied(group(), { op: 'replace', path: 'members', value: [{ display: 'Babs Jensen', value: babs }, { display: 'James Smith', value: '08e1d05d' }] });
  assert.deepEqual(members(replaced), [babs, '08e1d05d']);

  const work = { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', formatted: '911 Universal City Plaza\nHollywood, CA 91608 US', primary: true };
  const address = applied(bjensen(), { op: 'replace', path: 'addresses[type eq "work"]', value: work });
  assert.deepEqual((address.addresses as Json[])[0], work);
  assert.equal((address.addresses as Json[])[1]!.type, 'home');

  const street = applied(bjensen(), { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' });
  assert.equal((street.addresses as Json[])[0]!.streetAddress, '1010 Broadway Ave');
  assert.equal((street.addresses as Json[])[0]!.locality, 'Hollywood');

  const whole = applied(bjensen(), { op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }], nickname: 'Babs' } });
  assert.deepEqual(whole.emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  assert.equal(whole.nickName, 'Babs');
});

test('replace: name, emails[type eq "work"], single values, missing attributes, null', () => {
  const table: Array<[string, Json, unknown, (result: Json) => unknown, unknown]> = [
    ['a complex value replaces the sub-attributes it names', bjensen(), { op: 'replace', path: 'name', value: { givenName: 'Barb', familyName: 'J' } }, (r) => r.name, { formatted: 'Ms. Barbara J Jensen III', familyName: 'J', givenName: 'Barb' }],
    ['the same without a path', bjensen(), { op: 'replace', value: { name: { givenName: 'Barb' } } }, (r) => r.name, { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barb' }],
    ['a sub-attribute', bjensen(), { op: 'replace', path: 'name.familyName', value: 'Jensen-Smith' }, (r) => (r.name as Json).familyName, 'Jensen-Smith'],
    ['a matching value, whole', bjensen(), { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'b@work.example', type: 'work' } }, (r) => r.emails, [{ value: 'b@work.example', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }]],
    ['a matching value\'s sub-attribute', bjensen(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'b@work.example' }, (r) => (r.emails as Json[])[0], { value: 'b@work.example', type: 'work', primary: true }],
    ['every matching value', bjensen(), { op: 'replace', path: 'addresses[locality eq "hollywood"].locality', value: 'LA' }, (r) => (r.addresses as Json[]).map((a) => a.locality), ['LA', 'LA']],
    ['a missing attribute is added', bare(), { op: 'replace', path: 'title', value: 'T' }, (r) => r.title, 'T'],
    ['a missing sub-attribute is added', bare(), { op: 'replace', path: 'name.familyName', value: 'F' }, (r) => r.name, { familyName: 'F' }],
    ['a single value on a multi-valued attribute becomes the list', bjensen(), { op: 'replace', path: 'emails', value: { value: 'only@x' } }, (r) => r.emails, [{ value: 'only@x' }]],
    ['an empty list unassigns', bjensen(), { op: 'replace', path: 'emails', value: [] }, (r) => 'emails' in r, false],
    ['null unassigns', bjensen(), { op: 'replace', path: 'title', value: null }, (r) => 'title' in r, false],
    ['null in a complex value unassigns that sub-attribute', bjensen(), { op: 'replace', value: { name: { formatted: null } } }, (r) => r.name, { familyName: 'Jensen', givenName: 'Barbara' }],
    ['op in any case', bjensen(), { op: 'REPLACE', path: 'title', value: 'T' }, (r) => r.title, 'T'],
  ];
  for (const [name, resource, operation, read, expected] of table) assert.deepEqual(read(applied(resource, operation)), expected, name);
});

test('replace with a filter that matches nothing is noTarget (RFC 7644 §3.5.2.3)', () => {
  refused('noTarget', /Operations\[0\]: No value of emails matches the filter/, () => applied(bjensen(), { op: 'replace', path: 'emails[type eq "other"].value', value: 'x' }));
  refused('noTarget', /No value of emails matches/, () => applied(bjensen(), { op: 'replace', path: 'emails[type eq "other"]', value: { value: 'x' } }));
  refused('noTarget', /No value of emails matches/, () => applied(bare(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'x' }));
});

test('RFC 7644 §3.5.2.2 remove: one member, all members, several, then re-add', () => {
  const one = applied(group(), { op: 'remove', path: `members[value eq "${babs}"]` });
  assert.deepEqual(members(one), [mandy]);
  assert.equal('members' in applied(group(), { op: 'remove', path: 'members' }), false);
  const both = applied(group(), { op: 'remove', path: `members[value eq "${babs}"]` }, { op: 'remove', path: `members[value eq "${mandy}"]` });
  assert.equal('members' in both, false, 'removing the last value unassigns the attribute');
  const swapped = applied(group(), { op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'x', display: 'X' }] });
  assert.deepEqual(swapped.members, [{ value: 'x', display: 'X' }]);
  const either = applied(group(), { op: 'remove', path: `members[value eq "${babs}" or value eq "${mandy}"]` });
  assert.equal('members' in either, false);
});

test('remove: attributes, sub-attributes, filtered sub-attributes; absent targets are no change', () => {
  const table: Array<[string, Json, unknown, (result: Json) => unknown, unknown]> = [
    ['a single value', bjensen(), { op: 'remove', path: 'title' }, (r) => 'title' in r, false],
    ['case-insensitively', bjensen(), { op: 'remove', path: 'NICKNAME' }, (r) => 'nickName' in r, false],
    ['a sub-attribute', bjensen(), { op: 'remove', path: 'name.formatted' }, (r) => r.name, { familyName: 'Jensen', givenName: 'Barbara' }],
    ['a sub-attribute of every value', bjensen(), { op: 'remove', path: 'emails.type' }, (r) => r.emails, [{ value: 'bjensen@example.com', primary: true }, { value: 'babs@jensen.org' }]],
    ['a sub-attribute of matching values', bjensen(), { op: 'remove', path: 'emails[type eq "work"].primary' }, (r) => r.emails, [{ value: 'bjensen@example.com', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }]],
    ['matching values', bjensen(), { op: 'remove', path: 'emails[primary eq true]' }, (r) => r.emails, [{ value: 'babs@jensen.org', type: 'home' }]],
    ['nothing matches', bjensen(), { op: 'remove', path: 'emails[type eq "other"]' }, (r) => (r.emails as Json[]).length, 2],
    ['an absent attribute', bare(), { op: 'remove', path: 'title' }, (r) => r, bare()],
    ['an absent sub-attribute', bare(), { op: 'remove', path: 'name.givenName' }, (r) => r, bare()],
    ['an absent filtered attribute', bare(), { op: 'remove', path: 'emails[type eq "work"]' }, (r) => r, bare()],
    ['an absent extension', bare(), { op: 'remove', path: `${enterprise}:department` }, (r) => r, bare()],
    ['Entra: values listed in the value', group(), { op: 'Remove', path: 'members', value: [{ value: babs }] }, members, [mandy]],
    ['Entra: every value listed', group(), { op: 'Remove', path: 'members', value: [{ value: babs }, { value: mandy }] }, (r) => 'members' in r, false],
    ['Entra: a value not there', group(), { op: 'Remove', path: 'members', value: [{ value: 'nobody' }] }, members, [babs, mandy]],
    ['an empty value names no member', group(), { op: 'remove', path: 'members', value: [{}] }, members, [babs, mandy]],
  ];
  for (const [name, resource, operation, read, expected] of table) assert.deepEqual(read(applied(resource, operation)), expected, name);
});

test('remove needs a path: noTarget without one', () => {
  refused('noTarget', /Operations\[0\]: remove needs a path/, () => applied(bjensen(), { op: 'remove' }));
  refused('noTarget', /remove needs a path/, () => applied(bjensen(), { op: 'remove', path: null }));
  refused('invalidPath', /Operations\[0\]\.path: The path is empty/, () => applied(bjensen(), { op: 'remove', path: '' }));
});

test('Entra ID: capitalised ops and string booleans', () => {
  const disabled = applied(bjensen(), { op: 'Replace', path: 'active', value: 'False' });
  assert.equal(disabled.active, false);
  assert.equal(applied(jsmith(), { op: 'Replace', path: 'active', value: 'True' }).active, true);
  assert.equal(applied(jsmith(), { op: 'replace', value: { active: 'true' } }).active, true);
  assert.equal(applied(jsmith(), { op: 'Add', path: 'ACTIVE', value: 'TRUE' }).active, true);
  assert.equal(applied(jsmith(), { op: 'replace', path: 'active', value: 'maybe' }).active, 'maybe', 'left for schema validation to refuse');
  const primary = applied(bjensen(), { op: 'Replace', path: 'emails[type eq "home"].primary', value: 'True' });
  assert.deepEqual((primary.emails as Json[]).map((email) => email.primary), [false, true]);
  const entraUser = applied(bare(), {
    op: 'Add',
    value: { 'name.givenName': 'Ada', 'name.familyName': 'Lovelace', [`${enterprise}:department`]: 'Engines', [`${enterprise}:employeeNumber`]: '1815', displayName: 'Ada' },
  });
  assert.deepEqual(entraUser.name, { givenName: 'Ada', familyName: 'Lovelace' });
  assert.deepEqual(entraUser[enterprise], { department: 'Engines', employeeNumber: '1815' });
  assert.equal(entraUser.displayName, 'Ada');
});

test('the enterprise extension: URN paths, manager.value, values keyed by the URN, the whole extension', () => {
  const manager = applied(bjensen(), { op: 'replace', path: `${enterprise}:manager.value`, value: 'boss-2' });
  assert.deepEqual((manager[enterprise] as Json).manager, { value: 'boss-2', displayName: 'John Smith' });
  const entraManager = applied(bare(), { op: 'Add', path: `${enterprise}:manager`, value: 'boss-3' });
  assert.deepEqual(entraManager[enterprise], { manager: { value: 'boss-3' } }, 'Entra sends the manager as a bare id');
  const replacedManager = applied(bjensen(), { op: 'replace', path: `${enterprise}:manager`, value: { value: 'boss-4' } });
  assert.deepEqual((replacedManager[enterprise] as Json).manager, { value: 'boss-4', displayName: 'John Smith' });
  const noManager = applied(bjensen(), { op: 'remove', path: `${enterprise}:manager` });
  assert.equal('manager' in (noManager[enterprise] as Json), false);
  const employee = applied(bare(), { op: 'add', path: `${enterprise}:employeeNumber`, value: '42' });
  assert.deepEqual(employee[enterprise], { employeeNumber: '42' });
  const lowercase = applied(bjensen(), { op: 'replace', path: `${enterprise.toLowerCase()}:DEPARTMENT`, value: 'Sales' });
  assert.equal((lowercase[enterprise] as Json).department, 'Sales');
  const keyed = applied(bjensen(), { op: 'replace', value: { [enterprise]: { costCenter: '1', manager: 'boss-5' } } });
  assert.deepEqual(keyed[enterprise], { employeeNumber: '701984', costCenter: '1', department: 'Tour Operations', manager: { value: 'boss-5', displayName: 'John Smith' } });
  const addedKeyed = applied(bare(), { op: 'add', value: { [enterprise]: { division: 'D' } } });
  assert.deepEqual(addedKeyed[enterprise], { division: 'D' });
  const whole = applied(bjensen(), { op: 'remove', path: enterprise });
  assert.equal(enterprise in whole, false);
  const wholeReplaced = applied(bjensen(), { op: 'replace', path: enterprise, value: { department: 'X' } });
  assert.equal((wholeReplaced[enterprise] as Json).department, 'X');
  assert.equal((wholeReplaced[enterprise] as Json).employeeNumber, '701984');
});

test('other extensions: a path to an attribute, and the whole extension when the resource knows its URN', () => {
  const ext = 'urn:acme:params:scim:schemas:extension:Badge';
  const resource = { ...bare(), schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ext] };
  const badge = applied(resource, { op: 'add', path: `${ext}:number`, value: '7' });
  assert.deepEqual(badge[ext], { number: '7' });
  const whole = applied(resource, { op: 'add', path: ext, value: { number: '8', colour: 'red' } });
  assert.deepEqual(whole[ext], { number: '8', colour: 'red' });
  assert.equal(ext in applied(whole, { op: 'remove', path: ext }), false);
});

test('primary: true on one value unsets it on the others (RFC 7643 §2.4)', () => {
  const emails = (result: Json) => (result.emails as Json[]).map((email) => [email.value, email.primary]);
  assert.deepEqual(emails(applied(bjensen(), { op: 'add', path: 'emails', value: [{ value: 'new@x', primary: true }] })), [['bjensen@example.com', false], ['babs@jensen.org', undefined], ['new@x', true]]);
  assert.deepEqual(emails(applied(bjensen(), { op: 'replace', path: 'emails[type eq "home"].primary', value: true })), [['bjensen@example.com', false], ['babs@jensen.org', true]]);
  assert.deepEqual(emails(applied(bjensen(), { op: 'add', path: 'emails[type eq "other"].value', value: 'o@x' }, { op: 'replace', path: 'emails[type eq "other"].primary', value: true })), [
    ['bjensen@example.com', false],
    ['babs@jensen.org', undefined],
    ['o@x', true],
  ]);
  assert.deepEqual(emails(applied(bjensen(), { op: 'add', value: { emails: [{ value: 'p@x', primary: 'True' }] } })), [['bjensen@example.com', false], ['babs@jensen.org', undefined], ['p@x', true]]);
  assert.deepEqual(emails(applied(bjensen(), { op: 'add', path: 'emails', value: [{ value: 'q@x', primary: false }] })), [['bjensen@example.com', true], ['babs@jensen.org', undefined], ['q@x', false]]);
  const twoPrimaries = { ...bare(), emails: [{ value: 'a', type: 'work', primary: true }, { value: 'b', type: 'work', primary: true }] };
  assert.equal((applied(twoPrimaries, { op: 'replace', path: 'emails[type eq "work"].display', value: 'W' }).emails as Json[]).length, 2, 'stored data breaking the rule does not block unrelated changes');
  assert.deepEqual(emails(applied(twoPrimaries, { op: 'add', path: 'emails', value: { value: 'c', primary: true } })), [['a', false], ['b', false], ['c', true]]);
  refused('invalidValue', /Only one value can be primary/, () => applied(bjensen(), { op: 'add', path: 'emails', value: [{ value: 'a', primary: true }, { value: 'b', primary: true }] }));
  refused('invalidValue', /Only one value can be primary/, () => applied(bjensen(), { op: 'replace', path: 'emails.primary', value: true }));
  refused('invalidValue', /Only one value can be primary/, () => applied(bjensen(), { op: 'replace', path: 'emails', value: [{ value: 'a', primary: true }, { value: 'b', primary: true }] }));
});

test('read-only attributes: any change is a mutability error; restating the same value is not', () => {
  const readOnly = ['id', 'meta', 'groups', 'name.formatted'];
  const run = (...operations: unknown[]) => applyPatch(bjensen(), patch(...operations), { readOnly });
  for (const operation of [
    { op: 'replace', path: 'id', value: 'other' },
    { op: 'remove', path: 'id' },
    { op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' },
    { op: 'replace', path: 'META.created', value: '2030-01-01T00:00:00Z' },
    { op: 'remove', path: 'meta' },
    { op: 'add', path: 'groups', value: [{ value: 'g' }] },
    { op: 'replace', value: { ID: 'other' } },
    { op: 'replace', value: { meta: { version: 'W/"x"' } } },
    { op: 'replace', path: 'name', value: { formatted: 'X' } },
    { op: 'remove', path: 'name' },
  ]) refused('mutability', /is read-only/, () => run(operation));
  assert.equal(run({ op: 'replace', value: { id: '2819c223-7f76-453a-919d-413861904646', active: false } }).active, false, 'Okta sends the id back unchanged');
  assert.equal(run({ op: 'replace', path: 'name.givenName', value: 'B' }).id, '2819c223-7f76-453a-919d-413861904646');
  refused('mutability', /groups is read-only/, () => applyPatch(bare(), patch({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), { readOnly }));
});

test('operations apply in order, on a copy; a failure anywhere fails the whole request', () => {
  const resource = bjensen();
  const result = applyPatch(resource, patch({ op: 'add', path: 'title', value: 'A' }, { op: 'replace', path: 'title', value: 'B' }, { op: 'remove', path: 'nickName' }));
  assert.equal(result.title, 'B');
  assert.equal(resource.title, 'Tour Guide');
  assert.equal(resource.nickName, 'Babs');
  refused('noTarget', /Operations\[1\]/, () => applyPatch(resource, patch({ op: 'add', path: 'title', value: 'A' }, { op: 'replace', path: 'emails[type eq "x"].value', value: 'v' })));
  assert.equal(resource.title, 'Tour Guide');
  const nested = bjensen();
  const changed = applyPatch(nested, patch({ op: 'replace', path: 'name.givenName', value: 'X' }));
  (changed.name as Json).familyName = 'mutated';
  assert.equal((nested.name as Json).familyName, 'Jensen', 'no structure is shared with the input');
  const value = { value: 'shared@x' };
  const twice = applyPatch(bare(), patch({ op: 'add', path: 'emails', value: [value] }));
  ((twice.emails as Json[])[0]!).value = 'changed';
  assert.equal(value.value, 'shared@x', 'no structure is shared with the request');
});

test('malformed requests are invalidSyntax, bad paths invalidPath', () => {
  const table: Array<[unknown, string, RegExp]> = [
    [null, 'invalidSyntax', /JSON object/],
    [[], 'invalidSyntax', /JSON object/],
    [{ Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax', /schemas must contain/],
    [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax', /schemas must contain/],
    [{ schemas: patchOpSchema, Operations: [] }, 'invalidSyntax', /schemas must contain/],
    [{ schemas: [patchOpSchema] }, 'invalidSyntax', /non-empty array/],
    [{ schemas: [patchOpSchema], Operations: [] }, 'invalidSyntax', /non-empty array/],
    [{ schemas: [patchOpSchema], Operations: { op: 'add' } }, 'invalidSyntax', /non-empty array/],
    [patch('add'), 'invalidSyntax', /Operations\[0\] must be an object/],
    [patch({ path: 'title', value: 'x' }), 'invalidSyntax', /Operations\[0\]\.op must be add, replace or remove/],
    [patch({ op: 'move', path: 'title', value: 'x' }), 'invalidSyntax', /op must be/],
    [patch({ op: 'copy', from: 'a', path: 'title' }), 'invalidSyntax', /op must be/],
    [patch({ op: 'add', path: 'title', value: 'x' }, { op: 'test', path: 'title', value: 'x' }), 'invalidSyntax', /Operations\[1\]\.op/],
    [patch({ op: 'add', path: 'title' }), 'invalidSyntax', /add needs a value/],
    [patch({ op: 'replace', path: 'title' }), 'invalidSyntax', /replace needs a value/],
    [patch({ op: 'add', value: 'x' }), 'invalidSyntax', /without a path, the value must be an object/],
    [patch({ op: 'replace', value: [{ title: 'x' }] }), 'invalidSyntax', /without a path/],
    [patch({ op: 'add', path: 5, value: 'x' }), 'invalidPath', /path must be a string/],
    [patch({ op: 'add', path: 'a b', value: 'x' }), 'invalidPath', /Operations\[0\]\.path: Unexpected 'b' at position 2/],
    [patch({ op: 'add', path: 'emails[type eq work]', value: 'x' }), 'invalidPath', /Expected a value/],
    [patch({ op: 'add', path: 'emails[type eq "work"', value: 'x' }), 'invalidPath', /Expected '\]'/],
    [patch({ op: 'add', path: 'emails[type eq "work"]value', value: 'x' }), 'invalidPath', /Unexpected 'v'/],
    [patch({ op: 'add', path: 'a.b.c', value: 'x' }), 'invalidPath', /more than one sub-attribute level/],
    [patch({ op: 'add', value: { 'a b': 'x' } }), 'invalidPath', /Operations\[0\]: Unexpected 'b'/],
    [patch({ op: 'replace', path: 'title.sub', value: 'x' }), 'invalidPath', /title has no sub-attributes/],
  ];
  for (const [request, scimType, pattern] of table) refused(scimType, pattern, () => applyPatch(bjensen(), request));
  assert.equal(applyPatch(bjensen(), { schemas: [patchOpSchema.toUpperCase()], operations: [{ OP: 'add', PATH: 'title', VALUE: 'x' }] }).title, 'x', 'member names are case-insensitive too');
});

test('hostile requests: too many operations, too large or too deep values, prototype keys', () => {
  const many = Array.from({ length: maxPatchOperations + 1 }, () => ({ op: 'add', path: 'title', value: 'x' }));
  refused('invalidSyntax', /at most 1000 operations/, () => applyPatch(bare(), patch(...many)));
  assert.equal(applyPatch(bare(), patch(...many.slice(1))).title, 'x');
  refused('invalidValue', /larger than/, () => applyPatch(bare(), patch({ op: 'add', path: 'title', value: 'x'.repeat(600_000) })));
  refused('invalidValue', /larger than/, () => applyPatch(bare(), patch(...Array.from({ length: 10 }, () => ({ op: 'add', path: 'title', value: 'x'.repeat(60_000) })))));
  refused('invalidValue', /larger than/, () => applyPatch(bare(), patch({ op: 'add', path: 'emails', value: Array.from({ length: 100_000 }, () => 0) })));
  let deep: unknown = 'x';
  for (let i = 0; i < 40; i++) deep = { a: deep };
  refused('invalidValue', /nested deeper/, () => applyPatch(bare(), patch({ op: 'add', path: 'title', value: deep })));
  let veryDeep: unknown = [];
  for (let i = 0; i < 100_000; i++) veryDeep = [veryDeep];
  refused('invalidValue', /nested deeper/, () => applyPatch(bare(), patch({ op: 'add', path: 'title', value: veryDeep })));
  const polluting = JSON.parse('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"name","value":{"__proto__":{"polluted":true}}}]}') as unknown;
  refused('invalidValue', /__proto__/, () => applyPatch(bjensen(), polluting));
  refused('invalidValue', /__proto__/, () => applyPatch(bjensen(), JSON.parse('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}')));
  refused('invalidPath', /not an attribute name/, () => applyPatch(bjensen(), patch({ op: 'add', path: '__proto__.polluted', value: true })));
  assert.equal(({} as Json).polluted, undefined);
  const constructor = applyPatch(bare(), patch({ op: 'add', path: 'constructor', value: 'x' }));
  assert.equal(Object.hasOwn(constructor, 'constructor'), true, 'an attribute named like an Object member is just an attribute');
});

test('replaceMissingAsAdd: a filtered replace that matches nothing adds the value (Entra ID), and only when asked', () => {
  const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'ada', emails: [{ value: 'ada@home.example', type: 'home' }] };
  const request = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada@work.example' }] };
  assert.throws(() => applyPatch(user, request), (e: ScimError) => e.scimType === 'noTarget');
  const patched = applyPatch(user, request, { replaceMissingAsAdd: true }) as { emails: Array<{ value: string; type: string }> };
  assert.deepEqual(patched.emails.map((e) => [e.type, e.value]), [['home', 'ada@home.example'], ['work', 'ada@work.example']]);
});
