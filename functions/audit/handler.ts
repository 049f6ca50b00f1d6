import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { createAuditFunction } from './app.ts';

let ports: ReturnType<typeof portsFromEnvironment> | undefined;

export const handler = createAuditFunction(() => (ports ??= portsFromEnvironment()));
