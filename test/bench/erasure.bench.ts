/**
 * What erasing one person costs (right to be forgotten): the search of every table and the
 * deletions and rewrites, in a small tenant and in one with a thousand other users. The search
 * reads every item of the tenant (the Sessions tables by a filtered Scan), so its cost grows with
 * the tenant, not with the person: this measures by how much.
 */
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { createAuditEvent } from '../../shared/domain/audit/event.ts';
import { personalIdentifiersOf, type User } from '../../shared/domain/users/user.ts';
import { signUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';
import { countCapacity } from './capacity.ts';
import type { BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

const person = (tenant: string, n: string): User => {
  const now = new Date().toISOString();
  return { id: randomUUID(), tenant, userName: `user-${n}`, emails: [{ value: `user-${n}@example.com`, verified: true, primary: true }], name: { givenName: 'Bench' }, status: 'active', attributes: {}, createdAt: now, updatedAt: now, version: 1 };
};

export function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async (runtime) => {
    const tenant = await signUpTenant(webClient(runtime.url));
    const db = createDocumentClient();
    const capacity = countCapacity(db);
    const ports = portsFromEnvironment({ db });
    const key = await ports.platformSecrets.get('audit-pseudonym');

    /** One person with a few events about them, erased; answers the time and capacity of the search and the erasure. */
    const eraseOne = async (label: string) => {
      const user = person(tenant.slug, `${label}-${randomUUID().slice(0, 8)}`);
      const events = Array.from({ length: 10 }, () => createAuditEvent({ tenant: tenant.slug, type: 'signin.success', actor: { kind: 'user', id: user.id }, subject: user.id, outcome: 'success', details: { method: 'password' } }));
      await ports.users.createUser(user, {}, events);
      capacity.reset();
      const started = performance.now();
      const erased = await ports.personalData.erase(tenant.slug, personalIdentifiersOf(user), key);
      const leftovers = await ports.personalData.find(tenant.slug, personalIdentifiersOf(user));
      const ms = performance.now() - started;
      if (leftovers.length) throw new Error(`${leftovers.length} leftovers`);
      return { ms, ...capacity.totals, erased };
    };

    const small = await eraseOne('small');
    const others = 1_000;
    for (let i = 0; i < others; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => {
        const user = person(tenant.slug, `other-${i + j}`);
        return ports.users.createUser(user, {}, [createAuditEvent({ tenant: tenant.slug, type: 'user.created', actor: { kind: 'client', id: 'bench' }, subject: user.id, outcome: 'success', details: { userName: user.userName } })]);
      }));
    }
    const large = await eraseOne('large');
    db.destroy();
    return [
      { name: 'erasure + final search, small tenant', value: Math.round(small.ms), unit: 'ms', note: `${small.read.toFixed(1)} RCU, ${small.write.toFixed(1)} WCU, ${small.calls} calls; ${small.erased.deleted} items deleted, ${small.erased.pseudonymized} events rewritten` },
      { name: `erasure + final search, ${others} other users`, value: Math.round(large.ms), unit: 'ms', note: `${large.read.toFixed(1)} RCU, ${large.write.toFixed(1)} WCU, ${large.calls} calls` },
    ];
  });
}
