import { invalidRequest, invalidToken } from '../../../shared/domain/oauth/errors.ts';
import { claimsFor } from '../../../shared/domain/oauth/user-claims.ts';
import { claimsWithheldBy } from '../../../shared/domain/consent/application-consent.ts';
import { claimsForApplication } from '../../../shared/domain/federation/outbound-claims.ts';
import { bearerToken, verifyAccessToken } from '../../../shared/domain/oauth/verify-access-token.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';

/** The access token from the Authorization header, or from a POSTed form body (RFC 6750 §2.1–2.2), never the query. */
function presentedToken(request: HttpRequest<OidcDeps>): string {
  const fromHeader = request.headers.authorization;
  const body = request.state.body;
  const fromForm = request.method === 'POST' && body.kind === 'form' ? body.value.getAll('access_token') : [];
  if (request.query.has('access_token')) throw invalidRequest('Access tokens are not accepted in the query string');
  if (fromForm.length > 1 || (fromHeader && fromForm.length)) throw invalidRequest('Present the access token once');
  if (fromForm.length === 1) return bearerToken(`Bearer ${fromForm[0]}`);
  return bearerToken(fromHeader);
}

/** GET|POST /t/{tenant}/oauth2/userinfo (OIDC Core §5.3): the claims the token's scopes release. */
export async function userinfoEndpoint(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const issuer = issuerOf(request.deps.publicUrl, tenant);
  const token = await verifyAccessToken(request.deps, tenant.id, issuer, presentedToken(request), { audience: `${issuer}/oauth2/userinfo`, scope: 'openid' });
  const user = await request.deps.users.getUser(tenant.id, token.sub);
  if (!user || user.status !== 'active') throw invalidToken('The user is no longer active');
  const withheld = claimsWithheldBy(await request.deps.consents.find(tenant.id, user.id, String(token.client_id)));
  const standard = claimsFor(user, token.scope.split(' '), Array.isArray(token.userinfo_claims) ? token.userinfo_claims : [], withheld);
  const own = await claimsForApplication(request.deps, tenant.id, String(token.client_id), user, withheld);
  return json(200, { ...standard, ...own.values, sub: user.id }, { 'cache-control': 'no-store' });
}
