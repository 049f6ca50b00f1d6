/** OpenID Connect and OAuth 2 endpoints of each tenant (ARCHITECTURE §1). */
export const routes = [
  'GET /t/{tenant}/.well-known/openid-configuration',
  'GET /t/{tenant}/.well-known/oauth-authorization-server',
  'GET /t/{tenant}/oauth2/jwks',
  'POST /t/{tenant}/oauth2/token',
] as const;

export type OidcRoute = (typeof routes)[number];
