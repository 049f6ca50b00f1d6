/** OpenID Connect and OAuth 2 endpoints of each tenant (ARCHITECTURE §1). */
export const routes = [
  'GET /t/{tenant}/.well-known/openid-configuration',
  'GET /t/{tenant}/.well-known/oauth-authorization-server',
  'GET /t/{tenant}/oauth2/jwks',
  'GET /t/{tenant}/oauth2/authorize',
  'POST /t/{tenant}/oauth2/authorize',
  'GET /t/{tenant}/oauth2/authorize/resume',
  'GET /t/{tenant}/oauth2/consent',
  'POST /t/{tenant}/oauth2/consent',
  'POST /t/{tenant}/oauth2/par',
  'POST /t/{tenant}/oauth2/token',
  'OPTIONS /t/{tenant}/oauth2/token',
  'GET /t/{tenant}/oauth2/userinfo',
  'POST /t/{tenant}/oauth2/userinfo',
  'OPTIONS /t/{tenant}/oauth2/userinfo',
  'POST /t/{tenant}/oauth2/register',
  'GET /t/{tenant}/oauth2/register/{clientId}',
  'PUT /t/{tenant}/oauth2/register/{clientId}',
  'DELETE /t/{tenant}/oauth2/register/{clientId}',
  'POST /t/{tenant}/oauth2/introspect',
  'POST /t/{tenant}/oauth2/revoke',
  'OPTIONS /t/{tenant}/oauth2/revoke',
  'GET /t/{tenant}/oauth2/logout',
  'POST /t/{tenant}/oauth2/logout',
] as const;

export type OidcRoute = (typeof routes)[number];
