import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { createLoginFunction } from './app.ts';

export const handler = createLoginFunction(portsFromEnvironment);
