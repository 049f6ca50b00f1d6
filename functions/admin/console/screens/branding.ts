import type { TenantSettings } from '../../../../shared/domain/tenants/settings.ts';
import type { ConsoleRoutes } from '../console-screen.ts';
import { brandingPage } from './branding-view.ts';
import { saveSettings, showSettings, textOf, type SettingsScreen } from './settings-form.ts';

/** The tenant's name, logo and colour on every hosted page, with a live preview of the sign-in page. */
const branding: SettingsScreen = {
  section: 'branding',
  fieldsOf: ({ branding: b }: TenantSettings) => ({ display_name: b.displayName, logo_url: b.logoUrl ?? '', primary_color: b.primaryColor }),
  desiredOf: (form) => {
    const logoUrl = textOf(form, 'logo_url');
    return { branding: { displayName: textOf(form, 'display_name'), primaryColor: textOf(form, 'primary_color'), ...(logoUrl ? { logoUrl } : {}) } };
  },
  page: brandingPage,
};

export const brandingRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/branding': showSettings(branding),
  'POST /t/{tenant}/console/branding': saveSettings(branding),
};
