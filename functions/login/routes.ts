/** The hosted login pages of each tenant. */
export const routes = ['GET /t/{tenant}/login', 'POST /t/{tenant}/login', 'POST /t/{tenant}/login/select', 'POST /t/{tenant}/login/passkey', 'GET /t/{tenant}/login/register', 'POST /t/{tenant}/login/register', 'GET /t/{tenant}/login/verify', 'POST /t/{tenant}/login/verify', 'GET /t/{tenant}/login/forgot', 'POST /t/{tenant}/login/forgot', 'GET /t/{tenant}/login/reset', 'POST /t/{tenant}/login/reset', 'GET /t/{tenant}/login/step', 'POST /t/{tenant}/login/step', 'POST /t/{tenant}/login/step/enrol', 'POST /t/{tenant}/login/step/enrol-passkey', 'POST /t/{tenant}/login/step/continue', 'POST /t/{tenant}/login/step/password', 'GET /t/{tenant}/login/logout'] as const;

export type LoginRoute = (typeof routes)[number];
