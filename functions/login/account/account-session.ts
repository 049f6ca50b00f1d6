import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { SsoSession } from '../../../shared/domain/ports/session-store.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { tenantOf, type HttpRequest } from '../../../shared/http/request.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';

type Request = HttpRequest<PlatformPorts>;

/** Changes to how a user signs in need a sign-in this recent ("sudo mode", as GitHub calls it). */
export const recentSignInMs = 10 * 60_000;

export const accountPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/account`;

/** Where the login sends a user back to after signing in again: only the tenant's own account portal. */
export function accountReturnPath(tenant: Pick<Tenant, 'slug'>, value: string | null | undefined): string | undefined {
  if (!value || value.length > 200) return undefined;
  const base = accountPath(tenant);
  return value === base || (value.startsWith(`${base}/`) && /^[A-Za-z0-9/_-]*$/.test(value.slice(base.length))) ? value : undefined;
}

export interface AccountCaller {
  readonly tenant: Tenant;
  readonly session: SsoSession;
  readonly user: User;
}

/**
 * The signed-in user of the account API, from this tenant's SSO cookie. A request that changes
 * something must come from our own pages: the browser's Origin (or Sec-Fetch-Site) must say so
 * and the body must be JSON (which no cross-site form can send without a CORS preflight that we
 * never grant); the session cookie is SameSite=Lax besides. `recent` asks for a sign-in in the
 * last ten minutes, else the caller is told where to sign in again.
 */
export async function accountCaller(request: Request, options: { recent?: boolean } = {}): Promise<AccountCaller> {
  const tenant = tenantOf(request);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    const sameOrigin = origin ? origin === new URL(request.deps.publicUrl).origin : site === 'same-origin';
    if (!sameOrigin) throw new HttpError(403, 'cross_site_request', 'This request must come from the account pages of this site.');
  }
  const now = Date.now();
  const session = await currentSession(request, tenant, request.deps.sessions, settingsOf(tenant), now);
  const user = session ? await request.deps.users.getUser(tenant.id, session.userId) : undefined;
  const login = `/t/${tenant.slug}/login?return_to=${encodeURIComponent(accountPath(tenant))}`;
  if (!session || !user || user.status !== 'active') throw new HttpError(401, 'login_required', 'Sign in to manage your account.', { details: { login } });
  if (options.recent && now - session.authTime > recentSignInMs) {
    throw new HttpError(403, 'reauthentication_required', 'Sign in again to change how you sign in.', { details: { reauthenticate: `/t/${tenant.slug}/login?prompt=login&return_to=${encodeURIComponent(accountPath(tenant))}` } });
  }
  return { tenant, session, user };
}
