import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { createSessionStore } from '../../../shared/adapters/dynamodb/session-store.ts';
import { tableNamesFromEnvironment } from '../../../shared/adapters/dynamodb/table-names.ts';
import type { SessionStore, SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { uniqueSlug } from '../../support/tenants.ts';

let sessions: SessionStore;

before(() => {
  useSharedRuntimeEnvironment();
  sessions = createSessionStore(createDocumentClient(), tableNamesFromEnvironment(), 1);
});

const hour = 3_600_000;

function session(tenant: string, userId: string, authTime: number, overrides: Partial<SsoSession> = {}): SsoSession {
  return {
    idHash: randomBytes(32).toString('base64url'),
    tenant,
    userId,
    authTime,
    amr: ['pwd'],
    lastSeenAt: authTime,
    idleExpiresAt: authTime + hour,
    absoluteExpiresAt: authTime + 8 * hour,
    ...overrides,
  };
}

test("lists a user's live sessions newest first, leaving out expired ones and other users'", async () => {
  const tenant = uniqueSlug();
  const userId = randomUUID();
  const now = Date.now();
  const older = session(tenant, userId, now - 30 * 60_000);
  const newer = session(tenant, userId, now - 60_000);
  const idle = session(tenant, userId, now - 2 * hour, { idleExpiresAt: now - 1 });
  const absolute = session(tenant, userId, now - 9 * hour, { idleExpiresAt: now + hour, absoluteExpiresAt: now });
  const someoneElse = session(tenant, randomUUID(), now);
  const elsewhere = session(uniqueSlug(), userId, now);
  for (const s of [older, newer, idle, absolute, someoneElse, elsewhere]) await sessions.create(s, []);

  const listed = await sessions.listForUser(tenant, userId, now);
  assert.deepEqual(listed, [newer, older], 'no key attributes, newest first');
  assert.deepEqual(await sessions.listForUser(tenant, userId, now + 2 * hour), [], 'all expired later');
  assert.deepEqual(await sessions.listForUser(uniqueSlug(), userId, now), []);
});
