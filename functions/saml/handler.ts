import { createSamlFunction } from './app.ts';
import { samlDeps } from './deps.ts';

export const handler = createSamlFunction(() => samlDeps());
