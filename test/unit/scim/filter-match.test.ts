import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScimError } from '../../../shared/domain/scim/errors.ts';
import { compareForSort, equalityConditions, matches, matchesValue, parseFilter, sortValue } from '../../../shared/domain/scim/filter.ts';
import { bare, bjensen, enterprise, group, jsmith } from './samples.ts';

const users = { bjensen: bjensen(), jsmith: jsmith(), bare: bare() };
type Name = keyof typeof users;

/** Each row: a filter and exactly the sample users it matches. */
function check(table: Array<[string, Name[]]>): void {
  for (const [text, expected] of table) {
    const filter = parseFilter(text);
    const matched = (Object.keys(users) as Name[]).filter((name) => matches(filter, users[name]));
    assert.deepEqual(matched, expected, text);
  }
}

test('every comparison operator on strings, case-insensitively', () => {
  check([
    ['userName eq "bjensen@example.com"', ['bjensen']],
    ['userName eq "BJENSEN@Example.COM"', ['bjensen']],
    ['USERNAME Eq "jsmith"', ['jsmith']],
    ['userName ne "jsmith"', ['bjensen', 'bare']],
    ['userName co "JENSEN"', ['bjensen']],
    ['userName co ""', ['bjensen', 'jsmith', 'bare']],
    ['userName sw "J"', ['jsmith']],
    ['userName ew ".COM"', ['bjensen']],
    ['userName gt "jsmith"', []],
    ['userName ge "jsmith"', ['jsmith']],
    ['userName lt "C"', ['bjensen', 'bare']],
    ['userName le "BARE"', ['bare']],
    ['displayName eq "babs jensen"', ['bjensen']],
  ]);
});

test('ne and eq null cover absent attributes; pr wants a non-empty value', () => {
  check([
    ['title ne "Tour Guide"', ['jsmith', 'bare']],
    ['title eq null', ['jsmith', 'bare']],
    ['title ne null', ['bjensen']],
    ['title pr', ['bjensen']],
    ['name pr', ['bjensen', 'jsmith']],
    ['name.givenName pr', ['bjensen', 'jsmith']],
    ['emails pr', ['bjensen', 'jsmith']],
    ['addresses.streetAddress pr', ['bjensen']],
    ['nickName co "a"', ['bjensen']],
    ['not (nickName co "a")', ['jsmith', 'bare']],
  ]);
  const empty = { userName: 'x', title: '', emails: [], name: { givenName: null }, nickName: null };
  for (const attribute of ['title', 'emails', 'name', 'name.givenName', 'nickName']) assert.equal(matches(parseFilter(`${attribute} pr`), empty), false, attribute);
});

test('booleans, numbers, and mismatched types', () => {
  check([
    ['active eq true', ['bjensen']],
    ['active eq false', ['jsmith']],
    ['active ne true', ['jsmith', 'bare']],
    ['active eq "true"', []],
    ['emails[primary eq true]', ['bjensen']],
    ['emails.primary eq true', ['bjensen']],
    ['userName eq 1', []],
  ]);
  const scored = { score: 42, ratio: 0.5, label: '42' };
  for (const [text, expected] of [
    ['score eq 42', true],
    ['score gt 41.5', true],
    ['score ge 42', true],
    ['score lt 42', false],
    ['score le 4.2e1', true],
    ['ratio lt 1', true],
    ['label eq 42', false],
    ['score eq "42"', false],
    ['score gt "41"', false],
    ['score co "4"', false],
  ] as const) assert.equal(matches(parseFilter(text), scored), expected, text);
});

test('ordering a boolean attribute is invalidFilter', () => {
  for (const text of ['active gt "a"', 'active lt 1', 'emails.primary ge "x"']) {
    assert.throws(() => matches(parseFilter(text), users.bjensen), (error: unknown) => error instanceof ScimError && error.scimType === 'invalidFilter', text);
  }
});

test('date-times compare as instants, whatever their precision or offset', () => {
  check([
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['jsmith', 'bare']],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['bjensen', 'jsmith', 'bare']],
    ['meta.lastModified eq "2011-05-13T04:42:34.000Z"', ['bjensen']],
    ['meta.lastModified eq "2011-05-13T06:42:34+02:00"', ['bjensen']],
    ['meta.lastModified lt "2012-06-01T10:00:00Z"', ['bjensen']],
    ['meta.lastModified le "2012-06-01T10:00:00Z"', ['bjensen', 'jsmith']],
    ['meta.created gt "2020-02-29T22:59:58Z"', ['bare']],
    ['meta.created lt "2020-02-29T22:59:59.001Z"', ['bjensen', 'jsmith', 'bare']],
    ['meta.created gt "2020-02-29T22:59:59Z"', []],
    ['meta.created sw "2010"', ['bjensen']],
  ]);
});

test('multi-valued attributes match if any value does; a complex value compares by its value', () => {
  check([
    ['emails.value eq "babs@jensen.org"', ['bjensen']],
    ['emails co "example"', ['bjensen', 'jsmith']],
    ['emails.type eq "home"', ['bjensen', 'jsmith']],
    ['emails.type eq "work"', ['bjensen']],
    ['emails.type ne "work"', ['jsmith', 'bare']],
    ['emails.value ew ".org"', ['bjensen', 'jsmith']],
    ['schemas eq "URN:ietf:params:scim:schemas:extension:enterprise:2.0:User"', ['bjensen']],
    ['phoneNumbers.value sw "555"', ['bjensen']],
  ]);
});

test('value filters must hold on one value, not across values', () => {
  check([
    ['emails[type eq "work" and value co "@example.com"]', ['bjensen']],
    ['emails[type eq "home" and value co "@example.com"]', []],
    ['emails.type eq "home" and emails.value co "@example.com"', ['bjensen'], ],
    ['emails[type eq "home" and value co "@example"]', ['jsmith']],
    ['emails[type eq "work" or type eq "home"]', ['bjensen', 'jsmith']],
    ['emails[not (type eq "work")]', ['bjensen', 'jsmith']],
    ['emails[type eq "work"].value ew "example.com"', ['bjensen']],
    ['emails[type eq "home"].value ew "example.com"', []],
    ['addresses[type eq "work" and postalCode eq "91608"] and not (emails[type eq "work"])', []],
    ['emails[TYPE eq "WORK"]', ['bjensen']],
    ['name[givenName eq "john"]', ['jsmith']],
  ]);
});

test('and/or/not precedence decides what matches', () => {
  check([
    ['userName eq "jsmith" or userName eq "bare" and active eq true', ['jsmith']],
    ['(userName eq "jsmith" or userName eq "bare") and active eq false', ['jsmith']],
    ['active eq true or userName eq "bare" and title pr', ['bjensen']],
    ['(active eq true or userName eq "bare") and not (title pr)', ['bare']],
    ['not (active eq true) and not (active eq false)', ['bare']],
    ['not (not (userName sw "b"))', ['bjensen', 'bare']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['bare']],
  ]);
});

test('schema-qualified attributes: core prefixes are the top level, extensions their own object', () => {
  check([
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['jsmith']],
    [`${enterprise}:employeeNumber eq "701984"`, ['bjensen']],
    [`${enterprise.toLowerCase()}:EMPLOYEENUMBER eq "701984"`, ['bjensen']],
    [`${enterprise}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, ['bjensen']],
    [`${enterprise}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`, ['bjensen']],
    [`${enterprise}:department pr`, ['bjensen']],
    [`${enterprise} pr`, ['bjensen']],
    ['employeeNumber eq "701984"', []],
    [`${enterprise}:userName eq "jsmith"`, []],
  ]);
});

test('case-exact attributes: id, externalId, meta.location, members.value, $ref, and any the caller adds', () => {
  const { bjensen: user } = users;
  for (const [text, expected] of [
    ['id eq "2819c223-7f76-453a-919d-413861904646"', true],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
    ['externalId eq "BJensen"', true],
    ['externalId eq "bjensen"', false],
    ['externalid sw "BJ"', true],
    ['externalId gt "B"', true],
    ['externalId gt "b"', false],
    ['meta.location co "/v2/Users/"', true],
    ['meta.location co "/V2/USERS/"', false],
    ['meta.resourceType eq "user"', true],
  ] as const) assert.equal(matches(parseFilter(text), user), expected, text);
  const members = group();
  assert.equal(matches(parseFilter('members[value eq "2819C223-7F76-453A-919D-413861904646"]'), members), false);
  assert.equal(matches(parseFilter('members[value eq "2819c223-7f76-453a-919d-413861904646"]'), members), true);
  assert.equal(matches(parseFilter('members.$ref co "/users/"'), members), false);
  assert.equal(matches(parseFilter('members.display eq "babs jensen"'), members), true);
  assert.equal(matches(parseFilter('displayName eq "tour guides"'), members), true);
  assert.equal(matches(parseFilter('displayName eq "tour guides"'), members, new Set(['displayName'])), false);
  assert.equal(matches(parseFilter('id eq "E9E30DBA-F08F-4109-8486-D5C6A331660A"'), members, new Set(['displayName'])), false, 'the defaults still apply');
  const value = (members.members as Array<Record<string, unknown>>)[0]!;
  assert.equal(matchesValue(parseFilter('value eq "2819C223-7F76-453A-919D-413861904646"'), value, 'members'), false, 'a value filter knows its attribute');
  assert.equal(matchesValue(parseFilter('display eq "BABS JENSEN"'), value, 'members'), true);
});

test('sortValue: a multi-valued attribute sorts by its primary value, else its first', () => {
  const user = users.bjensen;
  assert.equal(sortValue(user, 'userName'), 'bjensen@example.com');
  assert.equal(sortValue(user, 'NAME.familyName'), 'Jensen');
  assert.equal(sortValue(user, 'emails'), 'bjensen@example.com');
  assert.equal(sortValue(user, 'emails.type'), 'work');
  assert.equal(sortValue({ emails: [{ value: 'b' }, { value: 'a', primary: true }] }, 'emails.value'), 'a');
  assert.equal(sortValue({ emails: [{ value: 'b' }, { value: 'a' }] }, 'emails.value'), 'b');
  assert.equal(sortValue(user, 'meta.created'), '2010-01-23T04:56:22Z');
  assert.equal(sortValue(user, `${enterprise}:employeeNumber`), '701984');
  assert.equal(sortValue(user, `${enterprise}:manager`), '26118915-6090-4610-87e4-49d8ca9f808d');
  assert.equal(sortValue(users.bare, 'title'), undefined);
  assert.equal(sortValue(users.bare, 'name.givenName'), undefined);
  assert.equal(sortValue({ title: null }, 'title'), undefined);
  assert.equal(sortValue(user, { attribute: 'title' }), 'Tour Guide');
  assert.throws(() => sortValue(user, 'emails[type eq "work"]'), (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath');
  assert.throws(() => sortValue(user, 'a b'), (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath');
});

test('compareForSort: missing last, strings case-insensitively, date-times as instants, numbers numerically', () => {
  const sorted = (values: unknown[]) => [...values].sort(compareForSort);
  assert.deepEqual(sorted(['b', null, 'C', 'a']), ['a', 'b', 'C', null]);
  assert.equal(compareForSort(undefined, 'a'), 1);
  assert.equal(compareForSort('a', undefined), -1);
  assert.equal(compareForSort(undefined, null), 0);
  assert.deepEqual(sorted(['b', 'B', 'a']), ['a', 'B', 'b']);
  assert.deepEqual(sorted([10, 9, -1, 1.5]), [-1, 1.5, 9, 10]);
  assert.deepEqual(sorted([true, false]), [false, true]);
  assert.deepEqual(sorted(['2020-01-01T01:00:00+02:00', '2020-01-01T00:00:00Z']), ['2020-01-01T01:00:00+02:00', '2020-01-01T00:00:00Z']);
  assert.deepEqual(sorted(['x', 2, true]), [true, 2, 'x']);
  const descending = (values: unknown[]) => [...values].sort((a, b) => compareForSort(b, a));
  assert.deepEqual(descending(['b', null, 'a']), [null, 'b', 'a'], 'missing first when descending, per RFC 7644 §3.4.2.3');
  const byName = Object.entries(users).sort(([, a], [, b]) => compareForSort(sortValue(a, 'name.givenName'), sortValue(b, 'name.givenName'))).map(([name]) => name);
  assert.deepEqual(byName, ['bjensen', 'jsmith', 'bare']);
});

test('equalityConditions: the conjunctive string equalities any match satisfies', () => {
  const table: Array<[string, Array<{ path: string; value: string }>]> = [
    ['userName eq "bjensen" and active eq true', [{ path: 'userName', value: 'bjensen' }]],
    ['USERNAME eq "BJensen"', [{ path: 'userName', value: 'BJensen' }]],
    ['externalId eq "x" and (displayName eq "y" and title pr)', [{ path: 'externalId', value: 'x' }, { path: 'displayName', value: 'y' }]],
    ['emails[type eq "work" and value eq "a@b.c"]', [{ path: 'emails.type', value: 'work' }, { path: 'emails.value', value: 'a@b.c' }]],
    ['emails.VALUE eq "a@b.c"', [{ path: 'emails.value', value: 'a@b.c' }]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "u"', [{ path: 'userName', value: 'u' }]],
    [`${enterprise}:employeeNumber eq "7"`, [{ path: `${enterprise}:employeeNumber`, value: '7' }]],
    ['userName eq "a" or userName eq "b"', []],
    ['not (userName eq "a")', []],
    ['userName ne "a"', []],
    ['userName co "a"', []],
    ['active eq true', []],
    ['userName eq null', []],
    ['emails[type eq "work" or value eq "x"]', []],
    ['emails[type eq "work"] or userName eq "x"', []],
    ['userName eq "a" and (title eq "b" or title eq "c")', [{ path: 'userName', value: 'a' }]],
  ];
  for (const [text, expected] of table) assert.deepEqual(equalityConditions(parseFilter(text)), expected, text);
});
