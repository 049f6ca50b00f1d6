import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidFilter, mutability, noTarget, ScimError, scimErrorBody, uniqueness } from '../../../shared/domain/scim/errors.ts';
import { againstResource, findKey, parsePath } from '../../../shared/domain/scim/path.ts';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

test('parsePath: attr, attr.sub, schema URNs, value filters', () => {
  const table: Array<[string, object]> = [
    ['userName', { attribute: 'userName' }],
    [' title ', { attribute: 'title' }],
    ['name.familyName', { attribute: 'name', subAttribute: 'familyName' }],
    ['members.$ref', { attribute: 'members', subAttribute: '$ref' }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'name', subAttribute: 'givenName' }],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName', { schema: 'urn:ietf:params:scim:schemas:core:2.0:Group', attribute: 'displayName' }],
    [`${enterprise}:manager.value`, { schema: enterprise, attribute: 'manager', subAttribute: 'value' }],
    [`${enterprise}:employeeNumber`, { schema: enterprise, attribute: 'employeeNumber' }],
    [enterprise, { attribute: enterprise }],
    ['URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Manager', { schema: enterprise, attribute: 'Manager' }],
    ['urn:acme:scim:2.0:Badge:number', { schema: 'urn:acme:scim:2.0:Badge', attribute: 'number' }],
    ['members[value eq "2819c223"]', { attribute: 'members', filter: { op: 'eq', path: { attribute: 'value' }, value: '2819c223' } }],
    ['emails[type eq "work"].value', { attribute: 'emails', filter: { op: 'eq', path: { attribute: 'type' }, value: 'work' }, subAttribute: 'value' }],
    [
      'addresses[type eq "work" and primary eq true].streetAddress',
      {
        attribute: 'addresses',
        subAttribute: 'streetAddress',
        filter: { op: 'and', filters: [{ op: 'eq', path: { attribute: 'type' }, value: 'work' }, { op: 'eq', path: { attribute: 'primary' }, value: true }] },
      },
    ],
    ['emails[value eq "a]b"]', { attribute: 'emails', filter: { op: 'eq', path: { attribute: 'value' }, value: 'a]b' } }],
    [`${enterprise}:manager[value pr]`, { schema: enterprise, attribute: 'manager', filter: { op: 'pr', path: { attribute: 'value' } } }],
  ];
  for (const [text, expected] of table) assert.deepEqual(parsePath(text), expected, text);
});

test('parsePath refuses malformed paths with invalidPath', () => {
  for (const text of ['', ' ', 'a b', 'a.b.c', '.a', 'a.', '1a', 'emails[', 'emails[]', 'emails[type eq "w"', 'emails[type eq "w"]x', 'emails[type eq "w"].', 'emails[type eq "w"].a.b', 'name.givenName[value pr]', 'emails[type[value pr] pr]', 'http://x', 'a'.repeat(5000)]) {
    assert.throws(() => parsePath(text), (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidPath', JSON.stringify(text.slice(0, 40)));
  }
});

test('findKey matches case-insensitively and prefers the exact spelling', () => {
  assert.equal(findKey({ userName: 1 }, 'USERNAME'), 'userName');
  assert.equal(findKey({ Title: 1, title: 2 }, 'title'), 'title');
  assert.equal(findKey({}, 'constructor'), undefined, 'inherited members are not attributes');
  assert.equal(findKey({}, '__proto__'), undefined);
});

test('againstResource reads a whole unknown extension by the URN the resource uses', () => {
  const urn = 'urn:acme:scim:Badge';
  assert.deepEqual(againstResource({ [urn]: {} }, parsePath(urn)), { attribute: urn });
  assert.deepEqual(againstResource({ 'URN:ACME:SCIM:BADGE': {} }, parsePath(urn)), { attribute: 'URN:ACME:SCIM:BADGE' });
  assert.deepEqual(againstResource({ schemas: [urn] }, parsePath(urn)), { attribute: urn });
  assert.deepEqual(againstResource({}, parsePath(urn)), { schema: 'urn:acme:scim', attribute: 'Badge' });
  assert.deepEqual(againstResource({ [urn]: {} }, parsePath(`${urn}:number`)), { schema: urn, attribute: 'number' });
});

test('ScimError carries status and scimType, and renders as RFC 7644 §3.12 error JSON', () => {
  const error = invalidFilter('bad');
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ScimError');
  assert.deepEqual([error.status, error.scimType, error.message], [400, 'invalidFilter', 'bad']);
  assert.deepEqual(scimErrorBody(noTarget('none')), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'noTarget', detail: 'none' });
  assert.deepEqual(scimErrorBody(new ScimError(404, 'Resource 1 not found')), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Resource 1 not found' });
  assert.equal(new ScimError(404, 'x').scimType, undefined);
  assert.equal(uniqueness('taken').status, 409);
  assert.equal(mutability('read-only').scimType, 'mutability');
});
