import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { createAuditFunction } from '../../../functions/audit/app.ts';
import { auditItem } from '../../../shared/adapters/dynamodb/audit-item.ts';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../../shared/adapters/platform-ports.ts';
import { createAuditEvent, type AuditEvent } from '../../../shared/domain/audit/event.ts';
import { adminApi, type AdminApi } from '../../support/admin-api.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';

before(useSharedRuntimeEnvironment);

const hour = 3_600_000;
const db = () => createDocumentClient();
const pk = (api: AdminApi) => `TENANT#${api.tenant.slug}`;

/** Events of a past hour, written as the platform writes them (three hours ago, so that hour is closed). */
async function pastEvents(api: AdminApi, periodStart: number, count: number, offsetMs = 600_000): Promise<AuditEvent[]> {
  const events = Array.from({ length: count }, (_, i) =>
    createAuditEvent({ tenant: api.tenant.slug, type: 'signin.success', actor: { kind: 'user', id: `u${i}` }, subject: `u${i}`, outcome: 'success', details: { method: 'password' }, time: new Date(periodStart + offsetMs + i * 1000) }),
  );
  for (const event of events) await db().send(new PutCommand({ TableName: 'Audit', Item: auditItem(event, 365) }));
  return events;
}

/** The audit function's hourly run, invoked as the scheduler invokes it. */
const sealNow = () => createAuditFunction(() => portsFromEnvironment())({ source: 'test.scheduler' } as never, {} as Context);

interface Report { intact: boolean; digests: number; eventsVerified: number; problems: Array<{ kind: string; eventId?: string; period: string }> }
const integrity = async (api: AdminApi, from: number) => {
  const res = await api.call('GET', `/audit/integrity?from=${new Date(from).toISOString()}`);
  assert.equal(res.status, 200, res.body);
  return res.json<Report>();
};
const problemSet = (report: Report) => report.problems.map((p) => `${p.kind}:${p.eventId ?? p.period}`).sort();

describe('audit trail tamper evidence (hourly signed digests)', () => {
  test('sealed hours verify; an altered, deleted, added or reordered event is reported exactly', async () => {
    const api = await adminApi();
    const h0 = Math.floor(Date.now() / hour) * hour - 4 * hour;
    const [e1, e2, e3, e4, e5] = await pastEvents(api, h0, 5);
    await pastEvents(api, h0 + hour, 2);
    await sealNow();

    const sealed = await integrity(api, h0);
    assert.equal(sealed.intact, true, JSON.stringify(sealed.problems));
    assert.ok(sealed.digests >= 3, 'one digest per closed hour, empty hours included');
    assert.equal(sealed.eventsVerified >= 7, true);
    assert.equal((await integrity(await adminApi(), h0)).digests, 0, 'another tenant has none of these digests');

    const key = (e: AuditEvent) => ({ pk: pk(api), sk: `EVENT#${e.time}#${e.id}` });
    // Altered: a detail rewritten in place.
    await db().send(new UpdateCommand({ TableName: 'Audit', Key: key(e2!), UpdateExpression: 'SET details = :d', ExpressionAttributeValues: { ':d': JSON.stringify({ method: 'totp' }) } }));
    // Deleted.
    await db().send(new DeleteCommand({ TableName: 'Audit', Key: key(e3!) }));
    // Added: a forged event in a sealed hour.
    const forged = createAuditEvent({ tenant: api.tenant.slug, type: 'user.unlocked', actor: { kind: 'administrator', id: 'x' }, subject: 'u9', outcome: 'success', details: {}, time: new Date(h0 + 900_000) });
    await db().send(new PutCommand({ TableName: 'Audit', Item: auditItem(forged, 365) }));
    // Reordered: e4 and e5 swap places in the table, their contents unchanged.
    const items = await Promise.all([e4!, e5!].map(async (e) => (await db().send(new GetCommand({ TableName: 'Audit', Key: key(e) }))).Item!));
    for (const e of [e4!, e5!]) await db().send(new DeleteCommand({ TableName: 'Audit', Key: key(e) }));
    await db().send(new PutCommand({ TableName: 'Audit', Item: { ...items[0], sk: `EVENT#${e5!.time}#${e4!.id}` } }));
    await db().send(new PutCommand({ TableName: 'Audit', Item: { ...items[1], sk: `EVENT#${e4!.time}#${e5!.id}` } }));

    const tampered = await integrity(api, h0);
    assert.equal(tampered.intact, false);
    assert.deepEqual(problemSet(tampered), [`altered:${e2!.id}`, `missing:${e3!.id}`, `reordered:${e4!.id}`, `reordered:${e5!.id}`, `unlisted:${forged.id}`].sort());
    void e1;
  });

  test('a digest altered or removed breaks the chain where it happened; digests are sealed once', async () => {
    const api = await adminApi();
    // Five hours back: at least four closed hours are sealed whatever the minute now.
    const h0 = Math.floor(Date.now() / hour) * hour - 5 * hour;
    await pastEvents(api, h0, 1);
    await sealNow();
    await sealNow();
    const report = await integrity(api, h0);
    assert.equal(report.intact, true, JSON.stringify(report.problems));
    const digestKey = (period: number) => ({ pk: pk(api), sk: `DIGEST#${new Date(period).toISOString()}#0000` });
    const second = (await db().send(new GetCommand({ TableName: 'Audit', Key: digestKey(h0 + hour) }))).Item!;
    const [header, payload, signature] = String(second.jws).split('.');
    // The empty hour's digest now claims an event; its signature no longer matches.
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), events: [['forged', 'hash']] })).toString('base64url');
    await db().send(new PutCommand({ TableName: 'Audit', Item: { ...second, jws: `${header}.${forgedPayload}.${signature}` } }));
    // The next hour's digest disappears.
    await db().send(new DeleteCommand({ TableName: 'Audit', Key: digestKey(h0 + 2 * hour) }));

    const broken = await integrity(api, h0);
    const at = (t: number) => new Date(t).toISOString();
    assert.deepEqual(problemSet(broken), [`bad_signature:${at(h0 + hour)}`, `missing:forged`, `digest_missing:${at(h0 + 2 * hour)}`, `chain_broken:${at(h0 + 3 * hour)}`].sort());
  });

  test('erasing a person (right to be forgotten) leaves the sealed trail intact: their events carry a pseudonym and still verify', async () => {
    const api = await adminApi();
    const h0 = Math.floor(Date.now() / hour) * hour - 3 * hour;
    const person = randomUUID();
    const events = [0, 1, 2].map((i) =>
      createAuditEvent({ tenant: api.tenant.slug, type: 'signin.success', actor: { kind: 'user', id: i === 1 ? person : randomUUID() }, subject: i === 1 ? person : randomUUID(), outcome: 'success', details: { method: 'password' }, time: new Date(h0 + 600_000 + i * 1000) }),
    );
    for (const event of events) await db().send(new PutCommand({ TableName: 'Audit', Item: auditItem(event, 365) }));
    await sealNow();
    assert.equal((await integrity(api, h0)).intact, true);

    const ports = portsFromEnvironment();
    const erased = await ports.personalData.erase(api.tenant.slug, { id: person, exact: [], contained: [] }, await ports.platformSecrets.get('audit-pseudonym'));
    assert.equal(erased.pseudonymized, 1);
    const stored = (await db().send(new GetCommand({ TableName: 'Audit', Key: { pk: pk(api), sk: `EVENT#${events[1]!.time}#${events[1]!.id}` } }))).Item!;
    assert.match(String(stored.subject), /^pseud_/);
    assert.match(String(stored.actor.id), /^pseud_/);
    assert.equal(stored.subject, stored.actor.id, 'one pseudonym per person');
    const after = await integrity(api, h0);
    assert.equal(after.intact, true, JSON.stringify(after.problems));

    // Changing the pseudonymized event is still caught.
    await db().send(new UpdateCommand({ TableName: 'Audit', Key: { pk: pk(api), sk: String(stored.sk) }, UpdateExpression: 'SET details = :d', ExpressionAttributeValues: { ':d': JSON.stringify({ method: 'totp' }) } }));
    assert.deepEqual(problemSet(await integrity(api, h0)), [`altered:${events[1]!.id}`]);
  });
});
