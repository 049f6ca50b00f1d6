import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';

export type OidcDeps = PlatformPorts;

export function oidcDeps(ports: PlatformPorts = portsFromEnvironment()): OidcDeps {
  return ports;
}
