import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { httpFunctions } from '../../infra/functions.ts';
import { functionLogicalId, synthesize } from './synth.ts';


// Bundles every function as `cdk deploy` would (esbuild, a few seconds), so files copied beside a bundle are checked for real.
const synthesized = synthesize({}, { bundle: true });
const assembly = synthesized.app.synth();
const resources = synthesized.template.toJSON()['Resources'];
// The Lambda runtime provides the AWS SDK (the bundles leave it out); nothing else may come from outside a bundle.
mkdirSync(path.join(assembly.directory, 'node_modules'));
symlinkSync(path.resolve('node_modules/@aws-sdk'), path.join(assembly.directory, 'node_modules', '@aws-sdk'));

function assetDirectory(functionName: string): string {
  const key: string = resources[functionLogicalId(synthesized.template, functionName)].Properties.Code.S3Key;
  return path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
}

for (const name of ['saml', 'login']) test(`${name}: the deployed bundle carries the SAML schemas and validates messages with them, offline`, async () => {
  const definition = httpFunctions.find((d) => d.name === name)!;
  const directory = assetDirectory(name);
  assert.ok(existsSync(path.join(directory, 'index.mjs')));
  assert.ok(existsSync(path.join(directory, 'saml-schemas', 'saml-schema-protocol-2.0.xsd')));
  assert.ok(existsSync(path.join(directory, 'node_modules', 'libxml2-wasm', 'package.json')));
  // The validator bundled on its own into the same directory must find the copied schemas and libxml2 there (not in the repository).
  const probe = path.join(directory, 'probe.mjs');
  await build({
    stdin: { contents: `import { validateSamlSchema } from ${JSON.stringify(path.resolve('shared/adapters/xml/saml-schema-validator.ts'))}; export { validateSamlSchema };`, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node24', outfile: probe, logLevel: 'silent', external: [...(definition.nodeModules ?? [])],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const runner = path.join(directory, 'run-probe.mjs');
  writeFileSync(runner, [
    `import { validateSamlSchema } from './probe.mjs';`,
    `const ok = '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>';`,
    `const bad = ok.replace(' Version="2.0"', '');`,
    `console.log(JSON.stringify([await validateSamlSchema(ok), await validateSamlSchema(bad).catch((e) => e.message)]));`,
  ].join('\n'));
  const output = execFileSync(process.execPath, [runner], { cwd: path.parse(directory).root, stdio: ["ignore", "pipe", "inherit"] }).toString();
  assert.deepEqual(JSON.parse(output), [true, 'ERR_EXCEPTION_VALIDATE_XML']);
});

test('every function bundle loads in a fresh Node process (top-level await and CommonJS requires included)', () => {
  for (const name of ['saml', 'oidc', 'login', 'audit']) {
    const entry = path.join(assetDirectory(name), 'index.mjs');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`], { cwd: path.parse(entry).root }).toString().trim();
    assert.equal(output, 'function', name);
  }
});

test('login: the passkey library is installed beside the bundle and works from there (loaded at the first ceremony)', async () => {
  const directory = assetDirectory('login');
  for (const installed of ['@simplewebauthn/server', 'samlify', 're2js']) assert.ok(existsSync(path.join(directory, 'node_modules', installed, 'package.json')), installed);
  const probe = path.join(directory, 'passkey-probe.mjs');
  await build({
    stdin: { contents: `export * from ${JSON.stringify(path.resolve('shared/domain/factors/passkeys.ts'))};`, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node24', outfile: probe, logLevel: 'silent', external: ['@aws-sdk/*', '@simplewebauthn/server'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const runner = path.join(directory, 'run-passkey-probe.mjs');
  writeFileSync(runner, [
    `import { registrationOptions, authenticationOptions, relyingParty } from './passkey-probe.mjs';`,
    `const rp = relyingParty('https://id.example.com', 'Acme');`,
    `const created = await registrationOptions(rp, { id: 'u-1', name: 'ana@example.com', displayName: 'Ana' }, []);`,
    `const asked = await authenticationOptions(rp, [], 'required');`,
    `console.log(JSON.stringify([created.rp.id, created.authenticatorSelection.residentKey, asked.challenge.length > 20]));`,
  ].join('\n'));
  const output = execFileSync(process.execPath, [runner], { cwd: path.parse(directory).root, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  assert.deepEqual(JSON.parse(output), ['id.example.com', 'required', true]);
});
