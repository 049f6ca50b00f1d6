/** The hosted login pages of each tenant, and the account API its users manage their sign-in methods with. */
export const routes = ['GET /t/{tenant}/login', 'POST /t/{tenant}/login', 'POST /t/{tenant}/login/select', 'POST /t/{tenant}/login/passkey', 'GET /t/{tenant}/login/federated/callback', 'POST /t/{tenant}/login/federated/saml/acs', 'GET /t/{tenant}/login/federated/saml/metadata', 'GET /t/{tenant}/login/federated/{idpId}', 'GET /t/{tenant}/login/register', 'POST /t/{tenant}/login/register', 'GET /t/{tenant}/login/verify', 'POST /t/{tenant}/login/verify', 'GET /t/{tenant}/login/forgot', 'POST /t/{tenant}/login/forgot', 'GET /t/{tenant}/login/reset', 'POST /t/{tenant}/login/reset', 'GET /t/{tenant}/login/step', 'POST /t/{tenant}/login/step', 'POST /t/{tenant}/login/step/enrol', 'POST /t/{tenant}/login/step/enrol-passkey', 'POST /t/{tenant}/login/step/continue', 'POST /t/{tenant}/login/step/password', 'GET /t/{tenant}/login/logout',
  'GET /t/{tenant}/account/api/factors', 'DELETE /t/{tenant}/account/api/factors/{factorId}', 'POST /t/{tenant}/account/api/factors/totp', 'POST /t/{tenant}/account/api/factors/totp/confirm',
  'POST /t/{tenant}/account/api/factors/passkeys/options', 'POST /t/{tenant}/account/api/factors/passkeys', 'POST /t/{tenant}/account/api/factors/recovery-codes',
  'GET /t/{tenant}/account/api/security-questions', 'PUT /t/{tenant}/account/api/security-questions', 'DELETE /t/{tenant}/account/api/security-questions',
  'GET /t/{tenant}/account/api/consents', 'DELETE /t/{tenant}/account/api/consents/{application}', 'GET /t/{tenant}/account/api/consent-receipts/{receiptId}',
  'GET /t/{tenant}/account/api/profile', 'PATCH /t/{tenant}/account/api/profile', 'GET /t/{tenant}/account/api/sessions', 'DELETE /t/{tenant}/account/api/sessions/{sessionId}',
  'GET /t/{tenant}/account/api/export', 'GET /t/{tenant}/account/api/linked-identities', 'DELETE /t/{tenant}/account/api/account'] as const;

export type LoginRoute = (typeof routes)[number];
