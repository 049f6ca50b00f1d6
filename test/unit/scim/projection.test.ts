import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScimError } from '../../../shared/domain/scim/errors.ts';
import { parseAttributeList, project } from '../../../shared/domain/scim/projection.ts';
import { bjensen, enterprise, group } from './samples.ts';

const core = ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise];
const id = '2819c223-7f76-453a-919d-413861904646';

test('attributes: only those, with id and schemas', () => {
  const table: Array<[string[], Record<string, unknown>]> = [
    [['userName'], { schemas: core, id, userName: 'bjensen@example.com' }],
    [['USERNAME', 'displayname'], { schemas: core, id, userName: 'bjensen@example.com', displayName: 'Babs Jensen' }],
    [['name.familyName'], { schemas: core, id, name: { familyName: 'Jensen' } }],
    [['name.familyName', 'name.givenName'], { schemas: core, id, name: { familyName: 'Jensen', givenName: 'Barbara' } }],
    [['name.familyName', 'name'], { schemas: core, id, name: bjensen().name as object }],
    [['name', 'name.familyName'], { schemas: core, id, name: bjensen().name as object }],
    [['emails.value'], { schemas: core, id, emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }] }],
    [['emails.value', 'emails.primary'], { schemas: core, id, emails: [{ value: 'bjensen@example.com', primary: true }, { value: 'babs@jensen.org' }] }],
    [['emails.display'], { schemas: core, id }],
    [['urn:ietf:params:scim:schemas:core:2.0:User:userName'], { schemas: core, id, userName: 'bjensen@example.com' }],
    [[`${enterprise}:employeeNumber`], { schemas: core, id, [enterprise]: { employeeNumber: '701984' } }],
    [[`${enterprise}:manager.value`], { schemas: core, id, [enterprise]: { manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } } }],
    [[enterprise], { schemas: core, id, [enterprise]: bjensen()[enterprise] as object }],
    [[enterprise.toUpperCase()], { schemas: core, id, [enterprise]: bjensen()[enterprise] as object }],
    [['meta.created', 'meta.resourceType'], { schemas: core, id, meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z' } }],
    [['nonexistent', 'userName.sub'], { schemas: core, id }],
    [['id'], { schemas: core, id }],
  ];
  for (const [attributes, expected] of table) assert.deepEqual(project(bjensen(), { attributes }), expected, attributes.join(','));
});

test('attributes: always-returned attributes come too', () => {
  assert.deepEqual(project(bjensen(), { attributes: ['title'], alwaysReturned: ['userName', 'meta.resourceType'] }), {
    schemas: core,
    id,
    userName: 'bjensen@example.com',
    title: 'Tour Guide',
    meta: { resourceType: 'User' },
  });
  assert.deepEqual(project(group(), { attributes: ['members.value'] }), {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
    members: [{ value: '2819c223-7f76-453a-919d-413861904646' }, { value: '902c246b-6245-4190-8e05-00816be7344a' }],
  });
});

test('excludedAttributes: all but those; id and schemas stay', () => {
  const full = bjensen();
  const without = (...names: string[]) => {
    const copy = structuredClone(full);
    for (const name of names) delete copy[name];
    return copy;
  };
  const table: Array<[string[], Record<string, unknown>]> = [
    [['emails'], without('emails')],
    [['EMAILS', 'phoneNumbers', 'meta'], without('emails', 'phoneNumbers', 'meta')],
    [['id', 'schemas'], full],
    [['urn:ietf:params:scim:schemas:core:2.0:User:id'], full],
    [[enterprise], without(enterprise)],
    [['nonexistent'], full],
    [['name.formatted'], { ...full, name: { familyName: 'Jensen', givenName: 'Barbara' } }],
    [['name.formatted', 'name.familyName', 'name.givenName'], without('name')],
    [['emails.type', 'emails.primary'], { ...full, emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }] }],
    [['phoneNumbers.value', 'phoneNumbers.type'], without('phoneNumbers')],
    [[`${enterprise}:manager`, `${enterprise}:costCenter`], { ...full, [enterprise]: { employeeNumber: '701984', department: 'Tour Operations' } }],
    [[`${enterprise}:manager.displayName`], { ...full, [enterprise]: { ...(full[enterprise] as object), manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } } }],
  ];
  for (const [excludedAttributes, expected] of table) assert.deepEqual(project(bjensen(), { excludedAttributes }), expected, excludedAttributes.join(','));
  assert.deepEqual(project(bjensen(), { excludedAttributes: ['userName'], alwaysReturned: ['userName'] }).userName, 'bjensen@example.com');
});

test('both: attributes first, then exclusions; neither: a copy', () => {
  assert.deepEqual(project(bjensen(), { attributes: ['name', 'title'], excludedAttributes: ['name.formatted'] }), {
    schemas: core,
    id,
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    title: 'Tour Guide',
  });
  const resource = bjensen();
  const copy = project(resource, {});
  assert.deepEqual(copy, resource);
  (copy.name as Record<string, unknown>).familyName = 'changed';
  assert.equal((resource.name as Record<string, unknown>).familyName, 'Jensen', 'never shares structure with the input');
  assert.deepEqual(project(resource, { attributes: [], excludedAttributes: [] }), resource);
  const projected = project(resource, { attributes: ['emails'] });
  (projected.emails as Array<Record<string, unknown>>)[0]!.value = 'changed';
  assert.equal((resource.emails as Array<Record<string, unknown>>)[0]!.value, 'bjensen@example.com');
});

test('value filters and malformed names are invalidPath', () => {
  for (const run of [
    () => project(bjensen(), { attributes: ['emails[type eq "work"]'] }),
    () => project(bjensen(), { excludedAttributes: ['a.b.c'] }),
    () => project(bjensen(), { attributes: ['a b'] }),
  ]) assert.throws(run, (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath');
});

test('parseAttributeList splits the query parameter', () => {
  const table: Array<[string | null, string[] | undefined]> = [
    [null, undefined],
    ['', undefined],
    [' , ,', undefined],
    ['userName', ['userName']],
    ['userName,name.familyName , emails.value', ['userName', 'name.familyName', 'emails.value']],
    ['userName,USERNAME,displayName', ['userName', 'displayName']],
    [`${enterprise}:manager.value,${enterprise}`, [`${enterprise}:manager.value`, enterprise]],
  ];
  for (const [text, expected] of table) assert.deepEqual(parseAttributeList(text), expected, String(text));
  for (const text of ['emails[type eq "work"]', 'a b', 'a.b.c', 'x'.repeat(5000)]) {
    assert.throws(() => parseAttributeList(text), (error: unknown) => error instanceof ScimError && error.scimType === 'invalidPath', text.slice(0, 30));
  }
});
