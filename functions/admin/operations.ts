import type { Operation } from './api/operation.ts';
import { applicationOperations } from './resources/applications.ts';
import { serviceProviderOperations } from './resources/service-providers.ts';
import { groupOperations } from './resources/groups.ts';
import { keyOperations } from './resources/keys.ts';
import { settingsOperations } from './resources/settings.ts';
import { userOperations } from './resources/users.ts';
import { migrationOperations } from './resources/user-migration.ts';
import { flowOperations } from './resources/flows.ts';
import { siemSinkOperations } from './resources/siem-sinks.ts';
import { auditOperations } from './resources/audit.ts';
import { consentPurposeOperations } from './resources/consent-purposes.ts';
import { identityProviderOperations } from './resources/identity-providers.ts';

/** Every operation of the admin API, in the order the OpenAPI document lists them. */
export const adminOperations: readonly Operation[] = [...settingsOperations, ...userOperations, ...migrationOperations, ...groupOperations, ...applicationOperations, ...serviceProviderOperations, ...flowOperations, ...keyOperations, ...siemSinkOperations, ...auditOperations, ...consentPurposeOperations, ...identityProviderOperations];
