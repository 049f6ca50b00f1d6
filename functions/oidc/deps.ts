import { portsFromEnvironment, type PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { createKeyService, type KeyService } from '../../shared/domain/keys/key-service.ts';

export interface OidcDeps extends PlatformPorts {
  readonly keys: KeyService;
}

export function oidcDeps(ports: PlatformPorts = portsFromEnvironment()): OidcDeps {
  return { ...ports, keys: createKeyService({ store: ports.signingKeys, vault: ports.keyVault }) };
}
