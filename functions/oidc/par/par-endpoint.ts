import { randomBytes } from 'node:crypto';
import { OAuthError, invalidRequest } from '../../../shared/domain/oauth/errors.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { RedirectableError } from '../authorize/authorization-error.ts';
import { parseAuthorizationRequest } from '../authorize/parse-authorization-request.ts';
import type { OidcDeps } from '../deps.ts';
import { authenticateRequestClient } from '../token/authenticate-client.ts';

export const requestUriPrefix = 'urn:ietf:params:oauth:request_uri:';
export const pushedRequestLifetimeSeconds = 60;
const authenticationParams = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/**
 * POST /t/{tenant}/oauth2/par (RFC 9126): an authenticated client pushes its authorization
 * request, validated here exactly as /authorize would, and gets a one-time request_uri for
 * 60 seconds. Errors are JSON (§2.3), never redirects.
 */
export async function parEndpoint(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  const client = await authenticateRequestClient(request, form);
  if (form.has('request_uri')) throw invalidRequest('request_uri cannot be pushed');
  if (form.has('client_id') && form.get('client_id') !== client.clientId) throw invalidRequest('client_id does not match the authenticated client');
  const params = new URLSearchParams([...form].filter(([name]) => !authenticationParams.has(name)));
  params.set('client_id', client.clientId);
  try {
    await parseAuthorizationRequest({ id: tenant.id, issuer: issuerOf(request.deps.publicUrl, tenant) }, params, request.deps, true);
  } catch (error) {
    if (error instanceof RedirectableError) throw new OAuthError(error.error, error.message);
    if (error instanceof HttpError && error.status === 400) throw invalidRequest(error.message);
    throw error;
  }
  const id = randomBytes(32).toString('base64url');
  await request.deps.grants.pushRequest(tenant.id, id, client.clientId, [...params], Date.now() + pushedRequestLifetimeSeconds * 1000);
  return json(201, { request_uri: `${requestUriPrefix}${id}`, expires_in: pushedRequestLifetimeSeconds });
}
