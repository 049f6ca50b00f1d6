import { consoleCallback, consoleLogout, startConsoleSignIn } from './console-auth.ts';
import { consoleForm, withCaller, type ConsoleRoutes } from './console-screen.ts';
import { applicationRoutes } from './screens/applications.ts';
import { overviewRoutes } from './screens/overview.ts';
import { userRoutes } from './screens/users.ts';

/** Every route of the console: its sign-in, its sign-out, and each screen's pages and forms. */
export const consoleRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/login': startConsoleSignIn,
  'GET /t/{tenant}/console/callback': consoleCallback,
  /** The console session ends, then the SSO session (CSRF token). */
  'POST /t/{tenant}/console/logout': withCaller(async (req, caller) => {
    await consoleForm(req, caller);
    return consoleLogout(req, caller);
  }),
  ...overviewRoutes,
  ...userRoutes,
  ...applicationRoutes,
};
