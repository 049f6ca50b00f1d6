import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeFirewallProps {
  readonly stage: string;
}

/** Requests per client IP in any 5-minute window before WAF blocks that IP on the path. */
export const rateLimits = {
  login: { limit: 300, pathPattern: '^/t/[^/]+/login(/|$)' },
  token: { limit: 1200, pathPattern: '^/t/[^/]+/oauth2/token$' },
} as const;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  metricName,
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
});

function rateRule(name: string, priority: number, rate: { limit: number; pathPattern: string }): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { block: {} },
    statement: {
      rateBasedStatement: {
        limit: rate.limit,
        evaluationWindowSec: 300,
        aggregateKeyType: 'IP',
        scopeDownStatement: {
          regexMatchStatement: {
            regexString: rate.pathPattern,
            fieldToMatch: { uriPath: {} },
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      },
    },
    visibilityConfig: visibility(name),
  };
}

/**
 * The WAF web ACL in front of CloudFront (scope CLOUDFRONT, so it must be created in us-east-1):
 * per-IP rate limits on the credential-guessing paths, then AWS's common rule set.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `identity-${props.stage}-edge`,
      description: 'Rate limits on login and token endpoints, AWS common rule set',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`identity-${props.stage}-edge`),
      rules: [
        rateRule('login-rate', 0, rateLimits.login),
        rateRule('token-rate', 1, rateLimits.token),
        {
          name: 'aws-common',
          priority: 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // Counted, not blocked: SAML POST-binding and SCIM bodies exceed 8 KB, and native apps
              // register loopback redirect URIs such as http://127.0.0.1:port (RFC 8252 §7.3).
              ruleActionOverrides: ['SizeRestrictions_BODY', 'GenericRFI_QUERYARGUMENTS', 'GenericRFI_BODY'].map((name) => ({
                name,
                actionToUse: { count: {} },
              })),
            },
          },
          visibilityConfig: visibility('aws-common'),
        },
      ],
    });
  }
}
