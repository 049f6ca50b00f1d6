import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';

export type AdminDeps = PlatformPorts;

export function adminDeps(ports: PlatformPorts = portsFromEnvironment()): AdminDeps {
  return ports;
}
