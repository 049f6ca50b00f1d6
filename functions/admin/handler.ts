import { createAdminFunction } from './app.ts';
import { adminDeps } from './deps.ts';

export const handler = createAdminFunction(() => adminDeps());
