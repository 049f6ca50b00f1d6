import type { AuthorizationRequest } from '../../../shared/domain/oauth/authorization.ts';
import { MalformedClaimsRequest, parseClaimsRequest, type ClaimsRequest } from '../../../shared/domain/oauth/claims-request.ts';
import { isPublic, type OAuthClient } from '../../../shared/domain/oauth/client.ts';
import { challengePattern } from '../../../shared/domain/oauth/pkce.ts';
import { matchesRegisteredRedirect } from '../../../shared/domain/oauth/redirect-uri.ts';
import type { ClientRegistry } from '../../../shared/domain/ports/client-registry.ts';
import { verifyIdTokenHint } from '../../../shared/domain/oauth/id-token.ts';
import type { KeyService } from '../../../shared/domain/keys/key-service.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import { requestedScopes } from '../token/scopes.ts';
import { RedirectableError } from './authorization-error.ts';

const prompts = new Set(['none', 'login', 'consent', 'select_account']);
const maxValueLength = 2048;

/** Step 1 (RFC 6749 §4.1.1, §3.1.2.4): the client must be known and allowed the code flow; never redirect otherwise. */
async function checkClient(tenant: string, params: URLSearchParams, clients: ClientRegistry): Promise<OAuthClient> {
  const clientId = params.get('client_id');
  if (!clientId || clientId.length > 128) throw badRequest('The request names no valid client.', 'invalid_client');
  const client = await clients.get(tenant, clientId);
  if (!client || !client.grantTypes.includes('authorization_code')) throw badRequest('The request names no valid client.', 'invalid_client');
  return client;
}

/** Step 2 (RFC 9700 §4.1.3): the redirect URI must match a registered one exactly (loopback port excepted for native apps). */
function checkRedirectUri(client: OAuthClient, params: URLSearchParams): string {
  const uri = params.get('redirect_uri');
  if (!uri || !matchesRegisteredRedirect(uri, client.redirectUris, isPublic(client))) {
    throw badRequest('The redirect URI is not registered for this client.', 'invalid_redirect_uri');
  }
  return uri;
}

/**
 * The authorization endpoint's checks in order (CONVENTIONS §1): client → redirect URI →
 * (errors now go back to the client) duplicates → response type and mode → scope → PKCE →
 * prompt and max_age → claims → id_token_hint.
 */
export async function parseAuthorizationRequest(
  tenant: { id: string; issuer: string },
  params: URLSearchParams,
  deps: { clients: ClientRegistry; keys: KeyService },
  /** The request was pushed (RFC 9126) by the authenticated client, or is one being pushed. */
  pushed = false,
): Promise<{ client: OAuthClient; request: AuthorizationRequest }> {
  for (const name of ['client_id', 'redirect_uri']) if (params.getAll(name).length > 1) throw badRequest(`The parameter ${name} was sent more than once.`);
  const client = await checkClient(tenant.id, params, deps.clients);
  const redirectUri = checkRedirectUri(client, params);

  const mode = params.get('response_mode');
  const state = params.getAll('state').length === 1 ? params.get('state')! : undefined;
  const target = { redirectUri, responseMode: mode === 'form_post' ? ('form_post' as const) : ('query' as const), ...(state !== undefined && state.length <= maxValueLength ? { state } : {}) };
  const fail = (error: string, description: string): never => {
    throw new RedirectableError(error, description, target);
  };

  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) fail('invalid_request', `The parameter ${name} was sent more than once`);
    if (params.get(name)!.length > maxValueLength) fail('invalid_request', `The parameter ${name} is too long`);
  }
  if (params.has('request')) fail('request_not_supported', 'Request objects are not supported');
  if (params.has('request_uri')) fail('invalid_request', 'request_uri is only accepted from the pushed authorization request endpoint');
  if (mode !== null && mode !== 'query' && mode !== 'form_post') fail('invalid_request', 'response_mode must be query or form_post');
  if (params.get('response_type') !== 'code') fail('unsupported_response_type', 'Only response_type=code is supported');
  if (client.requirePushedAuthorizationRequests && !pushed) fail('invalid_request', 'This client must use pushed authorization requests');

  let scopes: string[] = [];
  try {
    scopes = requestedScopes(params) ?? [];
  } catch (error) {
    fail('invalid_scope', (error as Error).message);
  }
  if (scopes.length === 0) fail('invalid_scope', 'scope is required');
  const refused = scopes.filter((s) => !client.scopes.includes(s));
  if (refused.length) fail('invalid_scope', `Not allowed for this client: ${refused.join(' ')}`);

  let claims: ClaimsRequest | undefined;
  const claimsParam = params.get('claims');
  if (claimsParam !== null) {
    if (!scopes.includes('openid')) fail('invalid_request', 'The claims parameter needs the openid scope');
    try {
      claims = parseClaimsRequest(claimsParam);
    } catch (error) {
      if (!(error instanceof MalformedClaimsRequest)) throw error;
      fail('invalid_request', error.message);
    }
  }

  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === null && isPublic(client)) fail('invalid_request', 'PKCE (code_challenge with S256) is required for public clients');
  if (challenge !== null && method !== 'S256') fail('invalid_request', 'code_challenge_method must be S256');
  if (challenge === null && method !== null) fail('invalid_request', 'code_challenge_method without code_challenge');
  if (challenge !== null && !challengePattern.test(challenge)) fail('invalid_request', 'code_challenge is malformed');

  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompt.some((p) => !prompts.has(p))) fail('invalid_request', 'Unknown prompt value');
  if (prompt.includes('none') && prompt.length > 1) fail('invalid_request', 'prompt=none cannot be combined with other values');
  const maxAgeParam = params.get('max_age');
  if (maxAgeParam !== null && !/^\d{1,9}$/.test(maxAgeParam)) fail('invalid_request', 'max_age must be a non-negative integer');

  const hintToken = params.get('id_token_hint');
  const hint = hintToken === null ? undefined : await verifyIdTokenHint(deps.keys, tenant.id, tenant.issuer, hintToken);
  if (hintToken !== null && !hint) fail('invalid_request', 'id_token_hint is not an ID token issued by this provider');

  const nonce = params.get('nonce');
  return {
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      scopes,
      responseMode: target.responseMode,
      ...(target.state !== undefined ? { state: target.state } : {}),
      ...(nonce !== null ? { nonce } : {}),
      ...(challenge !== null ? { codeChallenge: challenge } : {}),
      prompt,
      ...(maxAgeParam !== null ? { maxAge: Number(maxAgeParam) } : {}),
      ...(params.get('login_hint') ? { loginHint: params.get('login_hint')! } : {}),
      // Hints only steer the login page; malformed ones are ignored rather than refused (OIDC Core treats hints as advisory).
      ...(/^[A-Za-z0-9_-]{1,64}$/.test(params.get('idp_hint') ?? '') ? { idpHint: params.get('idp_hint')! } : {}),
      ...(/^[A-Za-z0-9.-]{1,253}$/.test(params.get('domain_hint') ?? '') ? { domainHint: params.get('domain_hint')!.toLowerCase() } : {}),
      ...(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*( [A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*){0,9}$/.test(params.get('ui_locales') ?? '') ? { uiLocales: params.get('ui_locales')! } : {}),
      ...(params.get('acr_values') ? { acrValues: params.get('acr_values')!.split(' ') } : {}),
      ...(claims ? { claims } : {}),
      ...(hint ? { hintSubject: hint.sub } : {}),
    },
  };
}
