/** OpenID Connect and OAuth 2 endpoints of each tenant (ARCHITECTURE §1). */
export const routes = ['GET /t/{tenant}/oauth2/jwks'] as const;

export type OidcRoute = (typeof routes)[number];
