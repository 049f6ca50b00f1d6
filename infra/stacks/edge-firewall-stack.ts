import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EdgeFirewall } from '../constructs/edge-firewall.ts';

export interface EdgeFirewallStackProps extends StackProps {
  readonly stage: string;
}

/** CloudFront's WAF web ACL must live in us-east-1; the platform stack references it across regions. */
export class EdgeFirewallStack extends Stack {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: EdgeFirewallStackProps) {
    super(scope, id, {
      ...props,
      env: { ...props.env, region: 'us-east-1' },
      crossRegionReferences: true,
      description: `Identity platform ${props.stage}: WAF web ACL for CloudFront`,
    });
    this.webAclArn = new EdgeFirewall(this, 'Firewall', { stage: props.stage }).webAcl.attrArn;
  }
}
