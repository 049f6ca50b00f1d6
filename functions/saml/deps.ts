import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';

export type SamlDeps = PlatformPorts;

export function samlDeps(ports: PlatformPorts = portsFromEnvironment()): SamlDeps {
  return ports;
}
