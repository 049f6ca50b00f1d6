/** SAML 2.0 identity provider endpoints of each tenant (ARCHITECTURE §1). */
export const routes = [
  'GET /t/{tenant}/saml2/metadata',
  'GET /t/{tenant}/saml2/sso',
  'POST /t/{tenant}/saml2/sso',
  'GET /t/{tenant}/saml2/sso/resume',
  'GET /t/{tenant}/saml2/sso/initiate',
  'GET /t/{tenant}/saml2/consent',
  'POST /t/{tenant}/saml2/consent',
  'GET /t/{tenant}/saml2/slo',
  'POST /t/{tenant}/saml2/slo',
  'GET /t/{tenant}/saml2/slo/propagate',
  'GET /t/{tenant}/saml2/slo/leg',
  'GET /t/{tenant}/saml2/slo/finish',
] as const;

export type SamlRoute = (typeof routes)[number];
