import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi } from '../../support/admin-api.ts';
import { auditEventsOf } from '../../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';

before(useSharedRuntimeEnvironment);

interface Purpose { id: string; name: string; claims: string[]; legalBasis: string; mandatory: boolean; version: number }

describe('consent purposes (admin API)', () => {
  test('create, read, list, replace (the version goes up), delete; every change audited with before and after', async () => {
    const api = await adminApi();
    const created = await api.call('POST', '/consent-purposes', { name: 'Newsletter', description: 'Product news by email, about monthly.', claims: ['email', 'given_name', 'email'], legalBasis: 'consent' });
    assert.equal(created.status, 201, created.body);
    const purpose = created.json<Purpose>();
    assert.deepEqual([purpose.version, purpose.mandatory, purpose.claims], [1, false, ['email', 'given_name']]);
    assert.equal(created.headers.etag, '"v1"');
    assert.equal((await api.call('GET', `/consent-purposes/${purpose.id}`)).json<Purpose>().name, 'Newsletter');
    assert.equal((await api.call('GET', '/consent-purposes')).json<{ items: Purpose[] }>().items.length, 1);

    const replaced = await api.call('PUT', `/consent-purposes/${purpose.id}`, { name: 'Newsletter', description: 'Product news by email.', claims: ['email'], legalBasis: 'consent' }, { 'if-match': '"v1"' });
    assert.equal(replaced.status, 200, replaced.body);
    assert.equal(replaced.json<Purpose>().version, 2, 'a change asks for consent again');
    assert.equal((await api.call('PUT', `/consent-purposes/${purpose.id}`, { name: 'x', description: 'y' }, { 'if-match': '"v1"' })).status, 412, 'a stale ETag');
    const contract = await api.call('POST', '/consent-purposes', { name: 'Account', description: 'Running your account.', claims: ['email'], legalBasis: 'contract', mandatory: true });
    assert.equal(contract.json<Purpose>().legalBasis, 'contract');
    assert.equal((await api.call('DELETE', `/consent-purposes/${purpose.id}`, undefined, { 'if-match': '"v2"' })).status, 204);
    assert.equal((await api.call('GET', `/consent-purposes/${purpose.id}`)).status, 404);

    const events = (await auditEventsOf(api.tenant.slug)).filter((e) => e.type.startsWith('consent.purpose_'));
    assert.deepEqual(events.map((e) => e.type).sort(), ['consent.purpose_created', 'consent.purpose_created', 'consent.purpose_deleted', 'consent.purpose_updated']);
    const update = events.find((e) => e.type === 'consent.purpose_updated')!;
    assert.deepEqual([(update.details.before as Purpose).version, (update.details.after as Purpose).version], [1, 2]);
  });

  test('malformed purposes are refused with the field named; another tenant cannot see or change them; read-only tokens only read', async () => {
    const api = await adminApi();
    for (const [body, field] of [
      [{ description: 'no name' }, /name/],
      [{ name: 'x', description: 'y', legalBasis: 'because' }, /legalBasis/],
      [{ name: 'x', description: 'y', claims: ['Email Address'] }, /claims/],
      [{ name: 'x', description: 'y', mandatory: 'yes' }, /mandatory/],
      [{ name: 'x', description: 'y', extra: 1 }, /extra|Unrecognized/i],
      [{ name: 'x'.repeat(101), description: 'y' }, /name/],
    ] as const) {
      const res = await api.call('POST', '/consent-purposes', body);
      assert.equal(res.status, 400, res.body);
      assert.match(res.body, field);
    }
    const purpose = (await api.call('POST', '/consent-purposes', { name: 'Analytics', description: 'Usage statistics.' })).json<Purpose>();
    const other = await adminApi();
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      assert.equal((await other.call(method, `/consent-purposes/${purpose.id}`, method === 'PUT' ? { name: 'taken', description: 'over' } : undefined)).status, 404, method);
    }
    assert.equal((await other.call('GET', '/consent-purposes')).json<{ items: unknown[] }>().items.length, 0);
    const reader = await adminApi(api.tenant, 'admin:read');
    assert.equal((await reader.call('GET', `/consent-purposes/${purpose.id}`)).status, 200);
    assert.equal((await reader.call('DELETE', `/consent-purposes/${purpose.id}`)).status, 403);
  });
});
