import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { managementToken } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { sharedRuntime } from '../../support/shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../../support/signup.ts';
import { csrfTokenOf, webClient, type WebResponse } from '../../support/web-client.ts';

before(useSharedRuntimeEnvironment);

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Scim {
  tenant: SignedUpTenant;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<WebResponse>;
}

async function scim(tenant?: SignedUpTenant): Promise<Scim> {
  const t = tenant ?? (await signUpTenant());
  const token = await managementToken(t, 'scim');
  const http = webClient(sharedRuntime.url);
  return {
    tenant: t,
    call: (method, path, body, headers = {}) =>
      http.send(method, `/t/${t.slug}/scim2${path}`, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers }),
  };
}

const userBody = (name: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
  userName: `${name}@example.com`,
  externalId: `ext-${name}`,
  name: { givenName: name, familyName: 'Tester' },
  displayName: `${name} Tester`,
  emails: [{ value: `${name}@example.com`, type: 'work', primary: true }],
  active: true,
  [enterprise]: { department: 'Research', employeeNumber: '42' },
  ...extra,
});

const scimError = (res: WebResponse, status: number, scimType?: string) => {
  assert.equal(res.status, status, res.body);
  const body = res.json<{ schemas: string[]; status: string; scimType?: string; detail: string }>();
  assert.deepEqual(body.schemas, [errorSchema]);
  assert.equal(body.status, String(status));
  if (scimType) assert.equal(body.scimType, scimType);
};

async function signIn(tenant: SignedUpTenant, identifier: string, password: string): Promise<number> {
  const browser = webClient(sharedRuntime.url);
  const page = await browser.get(`/t/${tenant.slug}/login`);
  return (await browser.postForm(`/t/${tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier, password })).status;
}

describe('SCIM 2.0: a provisioning cycle as an IdP connector performs it', () => {
  test('look up, create, update by PATCH, deactivate, group membership, delete', async () => {
    const s = await scim();
    const lookup = await s.call('GET', `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`);
    assert.equal(lookup.status, 200, lookup.body);
    assert.equal(lookup.json<{ totalResults: number }>().totalResults, 0);
    assert.match(String(lookup.headers['content-type']), /application\/scim\+json/);

    const created = await s.call('POST', '/Users', userBody('ada', { password: 'a provisioned passphrase 1843' }));
    assert.equal(created.status, 201, created.body);
    const user = created.json<Record<string, unknown> & { id: string; meta: { location: string; version: string } }>();
    assert.equal(created.headers.location, user.meta.location);
    assert.equal(created.headers.etag, user.meta.version);
    assert.equal(user.password, undefined, 'passwords are never returned');
    assert.deepEqual(user[enterprise], { department: 'Research', employeeNumber: '42' });
    assert.deepEqual(user.groups, []);
    assert.equal(await signIn(s.tenant, 'ada@example.com', 'a provisioned passphrase 1843'), 200);

    const found = await s.call('GET', `/Users?filter=${encodeURIComponent('userName eq "ADA@example.com"')}`);
    assert.equal(found.json<{ totalResults: number; Resources: Array<{ id: string }> }>().Resources[0]!.id, user.id);

    const patched = await s.call('PATCH', `/Users/${user.id}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Ada Lovelace' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'ada.lovelace@example.com' },
        { op: 'Replace', path: `${enterprise}:department`, value: 'Mathematics' },
      ],
    });
    assert.equal(patched.status, 200, patched.body);
    const after = patched.json<Record<string, unknown> & { emails: Array<{ value: string }> }>();
    assert.equal(after.displayName, 'Ada Lovelace');
    assert.deepEqual(after.emails.map((e) => e.value), ['ada.lovelace@example.com']);
    assert.equal((after[enterprise] as { department: string }).department, 'Mathematics');

    const deactivated = await s.call('PATCH', `/Users/${user.id}`, { schemas: [patchOp], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    assert.equal(deactivated.json<{ active: boolean }>().active, false);
    assert.equal(await signIn(s.tenant, 'ada@example.com', 'a provisioned passphrase 1843'), 401, 'a deactivated user cannot sign in');

    const group = await s.call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Analysts', members: [] });
    assert.equal(group.status, 201, group.body);
    const groupId = group.json<{ id: string }>().id;
    const added = await s.call('PATCH', `/Groups/${groupId}`, { schemas: [patchOp], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] });
    assert.equal(added.status, 200, added.body);
    assert.deepEqual(added.json<{ members: Array<{ value: string }> }>().members.map((m) => m.value), [user.id]);
    const withGroups = (await s.call('GET', `/Users/${user.id}`)).json<{ groups: Array<{ value: string; display: string }> }>();
    assert.deepEqual(withGroups.groups.map((g) => [g.value, g.display]), [[groupId, 'Analysts']]);
    const removed = await s.call('PATCH', `/Groups/${groupId}`, { schemas: [patchOp], Operations: [{ op: 'remove', path: `members[value eq "${user.id}"]` }] });
    assert.deepEqual(removed.json<{ members?: unknown[] }>().members ?? [], []);

    assert.equal((await s.call('DELETE', `/Users/${user.id}`)).status, 204);
    scimError(await s.call('GET', `/Users/${user.id}`), 404);
    const types = (await auditEventsOf(s.tenant.slug)).filter((e) => e.details.via === 'scim').map((e) => e.type);
    for (const type of ['user.created', 'user.updated', 'group.created', 'group.member_added', 'group.member_removed', 'user.deleted']) assert.ok(types.includes(type), type);
  });

  test('PUT replaces the user whole; a stale If-Match gets 412; a taken userName 409 uniqueness', async () => {
    const s = await scim();
    const ada = (await s.call('POST', '/Users', userBody('ada'))).json<{ id: string; meta: { version: string } }>();
    await s.call('POST', '/Users', userBody('bob'));
    const replaced = await s.call('PUT', `/Users/${ada.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com', emails: [{ value: 'ada@example.com' }] }, { 'if-match': ada.meta.version });
    assert.equal(replaced.status, 200, replaced.body);
    const body = replaced.json<Record<string, unknown>>();
    assert.equal(body.displayName, undefined, 'left out, so gone');
    assert.equal(body[enterprise], undefined);
    scimError(await s.call('PUT', `/Users/${ada.id}`, { userName: 'ada@example.com' }, { 'if-match': ada.meta.version }), 412);
    scimError(await s.call('PUT', `/Users/${ada.id}`, { userName: 'bob@example.com' }), 409, 'uniqueness');
    scimError(await s.call('POST', '/Users', userBody('bob')), 409, 'uniqueness');
  });
});

describe('SCIM 2.0: queries', () => {
  let s: Scim;
  before(async () => {
    s = await scim();
    for (const [name, dept] of [['carol', 'Sales'], ['dave', 'Research'], ['erin', 'Research'], ['frank', 'Support']] as const) {
      assert.equal((await s.call('POST', '/Users', userBody(name, { [enterprise]: { department: dept } }))).status, 201);
    }
  });

  const ids = async (query: string) => {
    const res = await s.call('GET', `/Users?${query}`);
    assert.equal(res.status, 200, `${query}: ${res.body}`);
    return res.json<{ totalResults: number; Resources: Array<{ userName: string }> }>();
  };
  const names = async (filter: string, extra = '') => (await ids(`filter=${encodeURIComponent(filter)}${extra}`)).Resources.map((r) => r.userName.split('@')[0]).sort();

  const cases: Array<[string, string[]]> = [
    ['userName eq "carol@example.com"', ['carol']],
    ['name.givenName co "a" and externalId pr', ['carol', 'dave', 'frank']],
    ['userName sw "e"', ['erin']],
    ['userName ew "example.com" and name.givenName eq "frank"', ['frank']],
    [`${enterprise}:department eq "Research"`, ['dave', 'erin']],
    ['emails[type eq "work" and value sw "d"]', ['dave']],
    ['not (userName sw "c") and externalId pr', ['dave', 'erin', 'frank']],
    ['userName eq "carol@example.com" or userName eq "frank@example.com"', ['carol', 'frank']],
    ['externalId eq "ext-dave"', ['dave']],
    ['meta.lastModified gt "2000-01-01T00:00:00Z" and externalId pr', ['carol', 'dave', 'erin', 'frank']],
  ];
  for (const [filter, expected] of cases) {
    test(`filter ${filter}`, async () => assert.deepEqual(await names(filter), expected));
  }

  test('sortBy, sortOrder, startIndex and count page through results', async () => {
    const page1 = await ids(`filter=${encodeURIComponent('externalId pr')}&sortBy=userName&sortOrder=descending&startIndex=1&count=2`);
    assert.equal(page1.totalResults, 4);
    assert.deepEqual(page1.Resources.map((r) => r.userName), ['frank@example.com', 'erin@example.com']);
    const page2 = await ids(`filter=${encodeURIComponent('externalId pr')}&sortBy=userName&sortOrder=descending&startIndex=3&count=2`);
    assert.deepEqual(page2.Resources.map((r) => r.userName), ['dave@example.com', 'carol@example.com']);
  });

  test('attributes and excludedAttributes shape the resources', async () => {
    const only = (await ids(`filter=${encodeURIComponent('userName eq "carol@example.com"')}&attributes=userName,name.givenName`)).Resources[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(only).sort(), ['id', 'name', 'schemas', 'userName']);
    const without = (await ids(`filter=${encodeURIComponent('userName eq "carol@example.com"')}&excludedAttributes=emails,meta`)).Resources[0] as Record<string, unknown>;
    assert.equal(without.emails, undefined);
    assert.ok(without.id);
  });

  test('POST /.search takes the same query in its body', async () => {
    const res = await s.call('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "d"', attributes: ['userName'] });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json<{ Resources: Array<{ userName: string }> }>().Resources.map((r) => r.userName), ['dave@example.com']);
  });

  const badFilters = ['userName eq', 'userName xx "a"', '(userName eq "a"', 'userName eq "unterminated', `${'('.repeat(100)}userName pr${')'.repeat(100)}`, 'active gt true'];
  for (const filter of badFilters) {
    test(`an invalid filter is 400 invalidFilter: ${filter.slice(0, 30)}`, async () => scimError(await s.call('GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter'));
  }
});

describe('SCIM 2.0: discovery, Bulk and hostile input', () => {
  test('ServiceProviderConfig, ResourceTypes and Schemas describe the service', async () => {
    const s = await scim();
    const config = (await s.call('GET', '/ServiceProviderConfig')).json<{ patch: { supported: boolean }; bulk: { maxOperations: number }; etag: { supported: boolean } }>();
    assert.equal(config.patch.supported, true);
    assert.equal(config.etag.supported, true);
    assert.ok(config.bulk.maxOperations >= 100);
    const types = (await s.call('GET', '/ResourceTypes')).json<{ Resources: Array<{ id: string }> }>();
    assert.deepEqual(types.Resources.map((r) => r.id), ['User', 'Group']);
    const schemas = (await s.call('GET', '/Schemas')).json<{ Resources: Array<{ id: string }> }>();
    assert.ok(schemas.Resources.some((r) => r.id === enterprise));
    assert.equal((await s.call('GET', `/Schemas/${encodeURIComponent('urn:ietf:params:scim:schemas:core:2.0:User')}`)).status, 200);
    scimError(await s.call('GET', '/ResourceTypes/Printer'), 404);
  });

  test('Bulk runs operations in order, resolves bulkId references and stops after failOnErrors', async () => {
    const s = await scim();
    const res = await s.call('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      failOnErrors: 2,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'u1', data: userBody('grace') },
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: 'Navy', members: [{ value: 'bulkId:u1' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: userBody('grace') },
        { method: 'PATCH', path: '/Users/bulkId:u1', data: { schemas: [patchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'Rear Admiral' }] } },
        { method: 'DELETE', path: '/Users/00000000-0000-0000-0000-000000000000' },
        { method: 'POST', path: '/Users', bulkId: 'u3', data: userBody('never') },
      ],
    });
    assert.equal(res.status, 200, res.body);
    const ops = res.json<{ Operations: Array<{ bulkId?: string; status: string; location?: string }> }>().Operations;
    assert.deepEqual(ops.map((o) => o.status), ['201', '201', '409', '200', '404'], 'the sixth is not attempted after two failures');
    const groupId = ops[1]!.location!.split('/').pop();
    const group = (await s.call('GET', `/Groups/${groupId}`)).json<{ members: Array<{ value: string }> }>();
    assert.equal(group.members[0]!.value, ops[0]!.location!.split('/').pop());
    assert.equal((await s.call('GET', `/Users?filter=${encodeURIComponent('userName eq "never@example.com"')}`)).json<{ totalResults: number }>().totalResults, 0);
  });

  test('refuses malformed bodies and PATCH messages with SCIM errors, never a 500', async () => {
    const s = await scim();
    const user = (await s.call('POST', '/Users', userBody('hal'))).json<{ id: string }>();
    scimError(await s.call('POST', '/Users', '{not json'), 400);
    scimError(await s.call('POST', '/Users', { userName: '' }), 400, 'invalidValue');
    scimError(await s.call('POST', '/Users', { userName: 'x', emails: [{ value: 'not-an-email' }] }), 400, 'invalidValue');
    scimError(await s.call('PATCH', `/Users/${user.id}`, { Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), 400, 'invalidSyntax');
    scimError(await s.call('PATCH', `/Users/${user.id}`, { schemas: [patchOp], Operations: [{ op: 'explode', path: 'displayName' }] }), 400, 'invalidSyntax');
    scimError(await s.call('PATCH', `/Users/${user.id}`, { schemas: [patchOp], Operations: [{ op: 'replace', path: 'id', value: 'mine' }] }), 400, 'mutability');
    scimError(await s.call('PATCH', `/Users/${user.id}`, { schemas: [patchOp], Operations: [{ op: 'remove' }] }), 400);
    scimError(await s.call('POST', '/Users', JSON.stringify({ userName: 'big', displayName: 'x'.repeat(2_000_000) })), 413);
    scimError(await s.call('GET', '/Users/..%2F..%2Fadmin'), 404);
  });

  test('tokens: none, another tenant’s, and one without the scim scope are refused; ids of another tenant are not found', async () => {
    const a = await scim();
    const b = await scim();
    const userOfB = (await b.call('POST', '/Users', userBody('bea'))).json<{ id: string }>();
    const http = webClient(sharedRuntime.url);
    scimError(await http.get(`/t/${a.tenant.slug}/scim2/Users`), 401);
    const tokenOfB = await managementToken(b.tenant, 'scim');
    scimError(await http.get(`/t/${a.tenant.slug}/scim2/Users`, { authorization: `Bearer ${tokenOfB}` }), 401);
    const adminOnly = await managementToken(a.tenant, 'admin');
    scimError(await http.get(`/t/${a.tenant.slug}/scim2/Users`, { authorization: `Bearer ${adminOnly}` }), 401);
    scimError(await a.call('GET', `/Users/${userOfB.id}`), 404);
    scimError(await a.call('DELETE', `/Users/${userOfB.id}`), 404);
    assert.equal((await b.call('GET', `/Users/${userOfB.id}`)).status, 200);
  });

  test('the administrators group cannot be changed by provisioning', async () => {
    const s = await scim();
    const user = (await s.call('POST', '/Users', userBody('mallory'))).json<{ id: string }>();
    const groups = (await s.call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "administrators"')}`)).json<{ Resources: Array<{ id: string }> }>();
    const admins = groups.Resources[0]!.id;
    scimError(await s.call('PATCH', `/Groups/${admins}`, { schemas: [patchOp], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] }), 400, 'mutability');
    scimError(await s.call('DELETE', `/Groups/${admins}`), 400, 'mutability');
  });
});
