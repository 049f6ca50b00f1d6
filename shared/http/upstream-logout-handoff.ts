import { randomBytes } from 'node:crypto';
import type { Ceremonies } from '../domain/ports/ceremonies.ts';
import type { SsoSession } from '../domain/ports/session-store.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';

/**
 * A session that began at an upstream provider (federation) and was ended by the OIDC or SAML
 * function: the browser goes to the login function, which signs out at the upstream too and then
 * sends it on to `next` (the application's post-logout URI, the SAML logout page, or the
 * signed-out page). Undefined for a session with no upstream.
 */
export async function upstreamLogoutHandoff(deps: { readonly ceremonies: Ceremonies }, tenant: Tenant, session: SsoSession, next: string): Promise<string | undefined> {
  if (!session.upstream) return undefined;
  const id = randomBytes(32).toString('base64url');
  await deps.ceremonies.start({ id, tenant: tenant.id, purpose: 'federated-logout-handoff', handoff: { upstream: session.upstream, userId: session.userId, next }, expiresAt: Date.now() + 10 * 60_000 });
  return `/t/${tenant.slug}/login/federated/sign-out?handoff=${id}`;
}

/** Where a sign-out with nothing else to visit ends: the login function's signed-out page. */
export const signedOutPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login/federated/logged-out`;
