import { consoleCallback, consoleLogout, startConsoleSignIn } from './console-auth.ts';
import { consoleForm, withCaller, type ConsoleRoutes } from './console-screen.ts';
import { applicationRoutes } from './screens/applications.ts';
import { applicationDetailRoutes } from './screens/application-detail.ts';
import { brandingRoutes } from './screens/branding.ts';
import { consentPurposeRoutes } from './screens/consent-purposes.ts';
import { auditRoutes } from './screens/audit-log.ts';
import { flowRoutes } from './screens/flows.ts';
import { groupDetailRoutes } from './screens/group-detail.ts';
import { groupRoutes } from './screens/groups.ts';
import { keyRoutes } from './screens/keys.ts';
import { overviewRoutes } from './screens/overview.ts';
import { policyRoutes } from './screens/policies.ts';
import { settingsRoutes } from './screens/settings.ts';
import { siemRoutes } from './screens/siem-sinks.ts';
import { userDetailRoutes } from './screens/user-actions.ts';
import { userDeleteRoutes } from './screens/user-delete.ts';
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
  ...userDetailRoutes,
  ...userDeleteRoutes,
  ...groupRoutes,
  ...groupDetailRoutes,
  ...applicationRoutes,
  ...applicationDetailRoutes,
  ...flowRoutes,
  ...brandingRoutes,
  ...policyRoutes,
  ...consentPurposeRoutes,
  ...keyRoutes,
  ...siemRoutes,
  ...auditRoutes,
  ...settingsRoutes,
};
