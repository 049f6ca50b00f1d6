import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { localizedPageOrProblem } from '../../shared/http/error-renderers.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import { checkHealth } from './health/check-health.ts';
import type { SignupRoute } from './routes.ts';
import { showConfirmation, showSignup, submitConfirmation, submitSignupApi, submitSignupForm } from './signup/signup-routes.ts';

/** The signup function built from the given ports; tests pass ports with injected faults. */
export function createSignupFunction(deps: () => PlatformPorts) {
  return createHttpFunction<PlatformPorts, SignupRoute>({
    service: 'signup',
    deps,
    tenants: (ports) => ports.tenants,
    renderError: localizedPageOrProblem,
    routes: {
      'GET /health': checkHealth,
      'GET /signup': showSignup,
      'POST /signup': submitSignupForm,
      'POST /api/signup': submitSignupApi,
      'GET /signup/confirm': showConfirmation,
      'POST /signup/confirm': submitConfirmation,
    },
  });
}

export { portsFromEnvironment };
