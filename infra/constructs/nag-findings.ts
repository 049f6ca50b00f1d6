import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag IAM5 finding for a wildcard resource under `resource`'s ARN, e.g.
 * `Resource::<TableLogicalId.Arn>/index/*`, so an acknowledgment names that one finding.
 */
export function wildcardUnder(resource: IConstruct, suffix: string): string {
  const element = resource.node.defaultChild as CfnElement;
  return `AwsSolutions-IAM5[Resource::<${Stack.of(element).getLogicalId(element)}.Arn>${suffix}]`;
}
