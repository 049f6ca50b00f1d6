import type { PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { createHttpFunction } from '../../shared/http/handler.ts';
import { logout, selectAccount, showLogin, submitLogin } from './login/login-routes.ts';
import type { LoginRoute } from './routes.ts';

export function createLoginFunction(deps: () => PlatformPorts) {
  return createHttpFunction<PlatformPorts, LoginRoute>({
    service: 'login',
    deps,
    tenants: (ports) => ports.tenants,
    routes: {
      'GET /t/{tenant}/login': showLogin,
      'POST /t/{tenant}/login': submitLogin,
      'POST /t/{tenant}/login/select': selectAccount,
      'GET /t/{tenant}/login/logout': logout,
    },
  });
}
