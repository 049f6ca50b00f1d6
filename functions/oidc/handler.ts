import { createOidcFunction } from './app.ts';
import { oidcDeps } from './deps.ts';

export const handler = createOidcFunction(() => oidcDeps());
