import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';

export type ScimDeps = PlatformPorts;

export function scimDeps(ports: PlatformPorts = portsFromEnvironment()): ScimDeps {
  return ports;
}
