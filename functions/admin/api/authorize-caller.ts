import { decodeJwt } from 'jose';
import type { AuditActor } from '../../../shared/domain/audit/event.ts';
import { administratorPermission } from '../../../shared/domain/groups/group.ts';
import { OAuthError } from '../../../shared/domain/oauth/errors.ts';
import { bearerToken, verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import type { AdminDeps } from '../deps.ts';

export type Access = 'read' | 'write';

/** `admin` may do everything; `admin:read` only reads. */
const scopesFor: Readonly<Record<Access, readonly string[]>> = { read: ['admin', 'admin:read'], write: ['admin'] };

const unauthorized = (message: string, code = 'invalid_token') =>
  new HttpError(401, code, message, { headers: { 'www-authenticate': `Bearer realm="admin", error="${code}"` } });

/**
 * A token another tenant issued is answered as if this tenant's resource did not exist (404),
 * never 401 or 403: a caller learns nothing about a tenant it does not belong to.
 */
function isOtherTenantsToken(req: HttpRequest<AdminDeps>, token: string, issuer: string): boolean {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' && iss !== issuer && iss.startsWith(`${req.deps.publicUrl}/t/`);
  } catch {
    return false;
  }
}

/**
 * The caller of the admin API: an access token of this tenant for the API's audience with a
 * scope that allows the access asked for. A token a user obtained through an application is
 * honoured only while that user belongs to a group with the administrator permission.
 */
export async function authorizeCaller(req: HttpRequest<AdminDeps>, tenant: Tenant, access: Access): Promise<AuditActor> {
  const issuer = issuerOf(req.deps.publicUrl, tenant);
  let presented: string;
  try {
    presented = bearerToken(req.headers.authorization);
  } catch {
    throw unauthorized('A bearer access token is required', 'invalid_request');
  }
  let token;
  try {
    token = await verifyAccessToken(req.deps, tenant.id, issuer, presented, { audience: `${issuer}/api/v1` });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (isOtherTenantsToken(req, presented, issuer)) throw notFound();
    throw unauthorized(error.message);
  }
  const scopes = token.scope.split(' ');
  if (!scopesFor[access].some((s) => scopes.includes(s))) {
    throw new HttpError(403, 'insufficient_scope', `This needs the ${scopesFor[access].join(' or ')} scope`, { headers: { 'www-authenticate': `Bearer realm="admin", error="insufficient_scope", scope="${scopesFor[access][0]}"` } });
  }
  if (token.sub === token.client_id) return { kind: 'client', id: token.client_id };
  const user = await req.deps.users.getUser(tenant.id, token.sub);
  const groups = user?.status === 'active' ? await req.deps.groups.groupsOf(tenant.id, user.id) : [];
  if (!groups.some((g) => g.permissions.includes(administratorPermission))) throw new HttpError(403, 'not_an_administrator', 'Only administrators of this tenant may use its admin API');
  return { kind: 'administrator', id: token.sub };
}
