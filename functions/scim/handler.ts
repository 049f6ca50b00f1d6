import { createScimFunction } from './app.ts';
import { scimDeps } from './deps.ts';

export const handler = createScimFunction(() => scimDeps());
