import type { PlatformPorts } from '../adapters/platform-ports.ts';
import type { AuditActor, AuditEvent } from '../domain/audit/event.ts';
import { createAuditEvent } from '../domain/audit/event.ts';
import { pseudonymOf } from '../domain/audit/pseudonyms.ts';
import type { UserWrite } from '../domain/ports/user-directory.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { personalIdentifiersOf, type User } from '../domain/users/user.ts';
import type { HttpRequest } from './request.ts';
import { endUserSessionsFrom } from './session-ending.ts';

/**
 * The right to be forgotten, for the user themselves (account API) or an administrator: their
 * sessions end (applications hear by back-channel logout), their refresh tokens are revoked,
 * the user is deleted, then every other item that names them goes, in every table, and the
 * audit trail keeps their events under a keyed pseudonym. A last search confirms nothing is left.
 */
export async function eraseAccount(req: HttpRequest<PlatformPorts>, tenant: Tenant, user: User, options: { by: 'user' | 'administrator'; actor: AuditActor; expectedVersion?: number; deleted: AuditEvent }): Promise<UserWrite | { leftovers: number; deleted: number; pseudonymized: number }> {
  await endUserSessionsFrom(req, tenant, user.id, 'user_deleted');
  for (const family of await req.deps.grants.activeFamiliesOf(tenant.id, user.id, Date.now())) await req.deps.grants.revokeFamily(tenant.id, family.id, []);
  const outcome = await req.deps.users.deleteUser(tenant.id, user.id, options.expectedVersion, [options.deleted]);
  if (outcome !== 'done') return outcome;
  const who = personalIdentifiersOf(user);
  const key = await req.deps.platformSecrets.get('audit-pseudonym');
  const erased = await req.deps.personalData.erase(tenant.id, who, key);
  const leftovers = (await req.deps.personalData.find(tenant.id, who)).length;
  const pseudonym = pseudonymOf(key, tenant.id, user.id);
  await req.deps.auditLog.record(createAuditEvent({
    tenant: tenant.id, type: 'user.erased', actor: options.by === 'user' ? { kind: 'user', id: pseudonym } : options.actor, subject: pseudonym,
    ...(options.by === 'user' ? {} : { clientIp: req.state.clientIp, userAgent: req.state.userAgent }), correlationId: req.state.correlationId,
    outcome: leftovers === 0 ? 'success' : 'failure', details: { by: options.by, deleted: erased.deleted, pseudonymized: erased.pseudonymized, leftovers },
  }));
  return { ...erased, leftovers };
}
