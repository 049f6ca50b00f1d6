/** Platform-level routes: the signup console and API (tenants issue) and the health check. */
export const routes = ['GET /health'] as const;

export type SignupRoute = (typeof routes)[number];
