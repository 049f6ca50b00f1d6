import type { PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { localizedPageOrProblem } from '../../shared/http/error-renderers.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import { logout, selectAccount, showLogin, submitLogin } from './login/login-routes.ts';
import { confirmEmailVerification, showEmailVerification, showRegistration, submitRegistration } from './login/registration-routes.ts';
import { requestPasswordReset, showForgotPassword, showResetPassword, submitResetPassword } from './login/password-routes.ts';
import { showStep, submitPasswordChange, submitStep } from './login/sign-in-steps.ts';
import { continueAfterEnrolment, submitEnrolment, submitPasskeyEnrolment } from './login/step-enrolment.ts';
import { submitPasskeySignIn } from './login/passkey-sign-in.ts';
import type { LoginRoute } from './routes.ts';
import { showAccountPortal } from './account/account-portal.ts';
import { brokerSamlMetadata, federatedCallback, samlAssertionConsumer, startFederatedSignIn } from './federation/federated-sign-in.ts';
import { upstreamBackchannelLogout, upstreamLoggedOut, upstreamLogoutFromHandoff, upstreamSamlLogout } from './federation/upstream-logout.ts';
import { changeOwnProfile, deleteOwnAccount, endOwnSession, exportOwnData, listOwnLinkedIdentities, listOwnSessions, showOwnProfile } from './account/profile-routes.ts';
import { downloadOwnReceipt, listOwnConsents, withdrawOwnConsent } from './account/consent-routes.ts';
import { removeOwnSecurityQuestions, setOwnSecurityQuestions, showOwnSecurityQuestions } from './account/security-question-routes.ts';
import { addOwnPasskey, confirmOwnTotp, listOwnFactors, offerOwnTotp, passkeyOptions, removeOwnFactor, renewOwnRecoveryCodes } from './account/factor-routes.ts';

export function createLoginFunction(deps: () => PlatformPorts) {
  return createHttpFunction<PlatformPorts, LoginRoute>({
    service: 'login',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: localizedPageOrProblem,
    routes: {
      'GET /t/{tenant}/login': showLogin,
      'POST /t/{tenant}/login': submitLogin,
      'POST /t/{tenant}/login/select': selectAccount,
      'POST /t/{tenant}/login/passkey': submitPasskeySignIn,
      'GET /t/{tenant}/login/federated/callback': federatedCallback,
      'POST /t/{tenant}/login/federated/callback': federatedCallback,
      'POST /t/{tenant}/login/federated/saml/acs': samlAssertionConsumer,
      'GET /t/{tenant}/login/federated/saml/metadata': brokerSamlMetadata,
      'GET /t/{tenant}/login/federated/saml/slo': upstreamSamlLogout,
      'POST /t/{tenant}/login/federated/saml/slo': upstreamSamlLogout,
      'GET /t/{tenant}/login/federated/logged-out': upstreamLoggedOut,
      'GET /t/{tenant}/login/federated/sign-out': upstreamLogoutFromHandoff,
      'POST /t/{tenant}/login/federated/{idpId}/backchannel-logout': upstreamBackchannelLogout,
      'GET /t/{tenant}/login/federated/{idpId}': startFederatedSignIn,
      'GET /t/{tenant}/login/register': showRegistration,
      'POST /t/{tenant}/login/register': submitRegistration,
      'GET /t/{tenant}/login/verify': showEmailVerification,
      'POST /t/{tenant}/login/verify': confirmEmailVerification,
      'GET /t/{tenant}/login/forgot': showForgotPassword,
      'POST /t/{tenant}/login/forgot': requestPasswordReset,
      'GET /t/{tenant}/login/reset': showResetPassword,
      'POST /t/{tenant}/login/reset': submitResetPassword,
      'GET /t/{tenant}/login/step': showStep,
      'POST /t/{tenant}/login/step': submitStep,
      'POST /t/{tenant}/login/step/enrol': submitEnrolment,
      'POST /t/{tenant}/login/step/enrol-passkey': submitPasskeyEnrolment,
      'POST /t/{tenant}/login/step/continue': continueAfterEnrolment,
      'POST /t/{tenant}/login/step/password': submitPasswordChange,
      'GET /t/{tenant}/login/logout': logout,
      'GET /t/{tenant}/account': showAccountPortal,
      'GET /t/{tenant}/account/api/factors': listOwnFactors,
      'DELETE /t/{tenant}/account/api/factors/{factorId}': removeOwnFactor,
      'POST /t/{tenant}/account/api/factors/totp': offerOwnTotp,
      'POST /t/{tenant}/account/api/factors/totp/confirm': confirmOwnTotp,
      'POST /t/{tenant}/account/api/factors/passkeys/options': passkeyOptions,
      'POST /t/{tenant}/account/api/factors/passkeys': addOwnPasskey,
      'POST /t/{tenant}/account/api/factors/recovery-codes': renewOwnRecoveryCodes,
      'GET /t/{tenant}/account/api/security-questions': showOwnSecurityQuestions,
      'PUT /t/{tenant}/account/api/security-questions': setOwnSecurityQuestions,
      'DELETE /t/{tenant}/account/api/security-questions': removeOwnSecurityQuestions,
      'GET /t/{tenant}/account/api/consents': listOwnConsents,
      'DELETE /t/{tenant}/account/api/consents/{application}': withdrawOwnConsent,
      'GET /t/{tenant}/account/api/consent-receipts/{receiptId}': downloadOwnReceipt,
      'GET /t/{tenant}/account/api/profile': showOwnProfile,
      'PATCH /t/{tenant}/account/api/profile': changeOwnProfile,
      'GET /t/{tenant}/account/api/sessions': listOwnSessions,
      'DELETE /t/{tenant}/account/api/sessions/{sessionId}': endOwnSession,
      'GET /t/{tenant}/account/api/export': exportOwnData,
      'GET /t/{tenant}/account/api/linked-identities': listOwnLinkedIdentities,
      'DELETE /t/{tenant}/account/api/account': deleteOwnAccount,
    },
  });
}
