/** Platform-level routes: the signup console and its API, and the health check. */
export const routes = [
  'GET /health',
  'GET /signup',
  'POST /signup',
  'POST /api/signup',
  'GET /signup/confirm',
  'POST /signup/confirm',
] as const;

export type SignupRoute = (typeof routes)[number];
