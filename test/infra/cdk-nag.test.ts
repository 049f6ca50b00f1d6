import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { auditFunction, httpFunctions, keysFunction } from '../../infra/functions.ts';
import { certificateIn, functionLogicalId, region, splunkContext, synthesize, webhookContext, type Synthesized } from './synth.ts';

const configurations: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['defaults', {}],
  ['API custom domain, sender domain, webhook SIEM', { domainName: 'id.example.org', certificateArn: certificateIn(region), senderEmail: 'id.example.org', ...webhookContext }],
  ['edge without a custom domain', { edge: true }],
  [
    'everything on: edge with a custom domain, sender address, Splunk HEC',
    { edge: true, domainName: 'id.example.org', certificateArn: certificateIn('us-east-1'), senderEmail: 'no-reply@id.example.org', ...splunkContext },
  ],
];

// As `cdk synth` runs them: with CDK's template validation. The defaults are bundled for real
// (esbuild), proving every function bundles; the others skip it to keep the suite fast.
const synthesized = new Map<string, Synthesized>(
  configurations.map(([name, context], index) => [name, synthesize(context, { bundle: index === 0, validate: true })]),
);

for (const [name, result] of synthesized) {
  test(`AwsSolutions: no unacknowledged error or warning (${name})`, () => {
    const report = result.nag.validateScope(result.app);
    const findings = report.violations.map((violation) => `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`);
    assert.deepEqual(findings, []);
    assert.equal(report.success, true);
    // cdk-nag 3 reports through CDK's validation report above; no finding may surface as an annotation either.
    for (const stack of [result.platform, ...(result.firewall ? [result.firewall] : [])]) {
      assert.deepEqual(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')), []);
      assert.deepEqual(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')), []);
    }
  });

  test(`the app synthesizes and CDK's validation report holds no finding (${name})`, () => {
    const assembly = result.app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    assert.deepEqual(report.pluginReports.flatMap((plugin: { violations: Array<{ ruleName: string }> }) => plugin.violations.map((violation) => violation.ruleName)), []);
  });
}

test('every function bundles with esbuild into one minified ESM file with a createRequire banner and a source map', () => {
  const bundled = synthesized.get('defaults')!;
  const assembly = bundled.app.synth();
  const resources = bundled.template.toJSON()['Resources'];
  for (const definition of [...httpFunctions, keysFunction, auditFunction]) {
    const key = resources[functionLogicalId(bundled.template, definition.name)].Properties.Code.S3Key as string;
    const directory = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    const code = readFileSync(path.join(directory, 'index.mjs'), 'utf8');
    assert.ok(code.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"), definition.name);
    assert.match(code, /export\s*\{[^}]*as handler|export\s*\{\s*handler|handler\s*as\s*handler/, `${definition.name} exports handler`);
    assert.match(code, /\/\/# sourceMappingURL=index\.mjs\.map\s*$/, `${definition.name} links its source map`);
    const sourceMap = JSON.parse(readFileSync(path.join(directory, 'index.mjs.map'), 'utf8'));
    assert.ok(sourceMap.sources.some((source: string) => source.includes(definition.entry)), `${definition.name} maps back to ${definition.entry}`);
  }
});
