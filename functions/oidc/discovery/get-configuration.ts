import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { tenantOf } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import type { OidcDeps } from '../deps.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { supportedGrantTypes } from '../token/grants.ts';
import { assertionAlgorithms, supportedAuthMethods } from '../token/authenticate-client.ts';

/**
 * OpenID Provider metadata (OIDC Discovery 1.0) and, at the RFC 8414 path, the same
 * document as OAuth authorization-server metadata. It lists only what is implemented.
 */
export async function getConfiguration(request: HttpRequest<OidcDeps>): Promise<HttpResponse> {
  const issuer = issuerOf(request.deps.publicUrl, tenantOf(request));
  return json(
    200,
    {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${issuer}/oauth2/jwks`,
      registration_endpoint: `${issuer}/oauth2/register`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      pushed_authorization_request_endpoint: `${issuer}/oauth2/par`,
      require_pushed_authorization_requests: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: supportedAuthMethods,
      scopes_supported: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access', 'admin', 'admin:read', 'scim'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'amr', 'acr', 'sid', 'name', 'given_name', 'family_name', 'preferred_username', 'locale', 'updated_at', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
      grant_types_supported: supportedGrantTypes,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      token_endpoint_auth_methods_supported: supportedAuthMethods,
      token_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
    },
    { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' },
  );
}
