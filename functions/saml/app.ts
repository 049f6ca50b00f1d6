import { pageOrProblem } from '../../shared/http/error-renderers.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import type { SamlDeps } from './deps.ts';
import { getMetadata } from './metadata/get-metadata.ts';
import type { SamlRoute } from './routes.ts';
import { finishLogout, propagationPage, sendLogoutLeg } from './slo/logout-propagation.ts';
import { sloEndpoint } from './slo/slo-endpoint.ts';
import { idpInitiatedSso, resumeSso, ssoEndpoint } from './sso/sso-endpoint.ts';
import { showSamlConsent, submitSamlConsent } from './sso/sso-consent.ts';

export function createSamlFunction(deps: () => SamlDeps) {
  return createHttpFunction<SamlDeps, SamlRoute>({
    service: 'saml',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: pageOrProblem,
    // A POST-binding message is at most 64 KB decoded; its form encoding a little more.
    maxBodyBytes: 128 * 1024,
    routes: {
      'GET /t/{tenant}/saml2/metadata': getMetadata,
      'GET /t/{tenant}/saml2/sso': ssoEndpoint,
      'POST /t/{tenant}/saml2/sso': ssoEndpoint,
      'GET /t/{tenant}/saml2/sso/resume': resumeSso,
      'GET /t/{tenant}/saml2/consent': showSamlConsent,
      'POST /t/{tenant}/saml2/consent': submitSamlConsent,
      'GET /t/{tenant}/saml2/sso/initiate': idpInitiatedSso,
      'GET /t/{tenant}/saml2/slo': sloEndpoint,
      'POST /t/{tenant}/saml2/slo': sloEndpoint,
      'GET /t/{tenant}/saml2/slo/propagate': propagationPage,
      'GET /t/{tenant}/saml2/slo/leg': sendLogoutLeg,
      'GET /t/{tenant}/saml2/slo/finish': finishLogout,
    },
  });
}
