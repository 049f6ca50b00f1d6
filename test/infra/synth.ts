/**
 * Synthesizes the platform the way infra/bin/app.ts does, with cdk.json's context plus the
 * test's. Bundling and CDK's template validation are off unless asked for: they cost seconds
 * per synth, and only the cdk-nag test needs them.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../../infra/config.ts';
import { addPlatformStacks, type PlatformStacks } from '../../infra/stacks/platform-app.ts';

/** The feature flags and defaults the CLI passes from cdk.json. */
const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

export const account = '123456789012';
export const region = 'eu-west-1';

export const certificateIn = (certificateRegion: string): string =>
  `arn:aws:acm:${certificateRegion}:${account}:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
export const siemSecretArn = `arn:aws:secretsmanager:${region}:${account}:secret:identity/siem-AbCdEf`;

export const splunkContext = {
  siemEndpoint: 'https://splunk.example.org:8088/services/collector/event',
  siemKind: 'splunk-hec',
  siemSecretArn,
};
export const webhookContext = { siemEndpoint: 'https://siem.example.org/ingest', siemKind: 'webhook', siemSecretArn };

export interface Synthesized extends PlatformStacks {
  readonly app: App;
  readonly template: Template;
  readonly firewallTemplate?: Template;
  readonly nag: AwsSolutionsChecks;
}

export interface SynthOptions {
  /** Bundle the functions with esbuild (about a second a synth). */
  readonly bundle?: boolean;
  /** Run CDK's built-in CloudFormation template validation (about two seconds the first time). */
  readonly validate?: boolean;
}

export function synthesize(context: Record<string, unknown> = {}, options: SynthOptions = {}): Synthesized {
  const app = new App({
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...cdkJsonContext,
      account,
      region,
      // As the CLI does: resources carry their construct path, which the tests look them up by.
      'aws:cdk:enable-path-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const stacks = addPlatformStacks(app, readConfig(app.node, {}));
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return {
    app,
    nag,
    ...stacks,
    template: Template.fromStack(stacks.platform),
    ...(stacks.firewall ? { firewallTemplate: Template.fromStack(stacks.firewall) } : {}),
  };
}

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
  readonly condition?: Record<string, unknown>;
}

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

/** The logical id of the resource a construct path names, e.g. `identity-dev/Data/Audit/Resource`. */
export function logicalIdAt(template: Template, path: string): string {
  const found = Object.entries(template.toJSON()['Resources'] as Record<string, Resource>).filter(
    ([, resource]) => resource.Metadata?.['aws:cdk:path'] === path,
  );
  if (found.length !== 1) throw new Error(`expected one resource at ${path}, found ${found.length}`);
  return found[0]![0];
}

export function functionLogicalId(template: Template, serviceName: string): string {
  const found = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: serviceName } } } }),
  );
  if (found.length !== 1) throw new Error(`expected one function named ${serviceName}, found ${found.length}`);
  return found[0]!;
}

/** Every statement of every identity policy attached to the function's role. */
export function statementsOf(template: Template, serviceName: string): Statement[] {
  const fn = template.toJSON()['Resources'][functionLogicalId(template, serviceName)] as Resource;
  const role = (fn.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((policy) =>
    (policy['Properties'].PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> }>).map(
      (statement) => ({
        actions: [statement.Action].flat(),
        resources: [statement.Resource].flat(),
        ...(statement.Condition ? { condition: statement.Condition } : {}),
      }),
    ),
  );
}

export const actionsOf = (statements: readonly Statement[]): string[] => [...new Set(statements.flatMap((statement) => statement.actions))].sort();
