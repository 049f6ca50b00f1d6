import type { App } from 'aws-cdk-lib';
import type { PlatformConfig } from '../config.ts';
import { EdgeFirewallStack } from './edge-firewall-stack.ts';
import { PlatformStack } from './platform-stack.ts';

export interface PlatformStacks {
  readonly platform: PlatformStack;
  readonly firewall?: EdgeFirewallStack;
}

/** The stacks of one stage: the platform, and with `edge=true` its WAF web ACL in us-east-1. */
export function addPlatformStacks(app: App, config: PlatformConfig): PlatformStacks {
  const env = { account: config.account, region: config.region };
  const firewall = config.edge
    ? new EdgeFirewallStack(app, `identity-${config.stage}-edge-firewall`, { env, stage: config.stage })
    : undefined;
  const platform = new PlatformStack(app, `identity-${config.stage}`, {
    env,
    description: `Identity platform ${config.stage}: multi-tenant OIDC, OAuth 2 and SAML 2.0 provider`,
    crossRegionReferences: config.edge,
    config,
    ...(firewall ? { webAclArn: firewall.webAclArn } : {}),
  });
  return firewall ? { platform, firewall } : { platform };
}
