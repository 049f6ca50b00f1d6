import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { createKeysFunction } from './app.ts';

let ports: ReturnType<typeof portsFromEnvironment> | undefined;

export const handler = createKeysFunction(() => (ports ??= portsFromEnvironment()));
