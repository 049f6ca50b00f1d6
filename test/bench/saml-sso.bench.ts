/**
 * The SAML function: (a) SSO responses per second over HTTP for a signed-in user (unsigned
 * AuthnRequest by Redirect → signed Response and Assertion, RS256), against the OIDC function's
 * code answers for the same session (authorize → code) in the same run; (b) the bundle each function
 * ships (esbuild, the CDK bundling options) and its cold start, measured as a fresh Node process
 * importing that bundle (module evaluation is what a Lambda cold start adds to the runtime's own).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import * as oidc from 'openid-client';
import { httpFunctions } from '../../infra/functions.ts';
import { adminApi } from '../support/admin-api.ts';
import { callbackUri, insecure } from '../support/oidc-flows.ts';
import { encodeRedirect, followToSp, registerServiceProvider } from '../support/saml.ts';
import { webClient } from '../support/web-client.ts';
import type { BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

const root = resolve(import.meta.dirname, '../..');
const samlFunction = httpFunctions.find((definition) => definition.name === 'saml')!;
// Both endpoints allow 60 requests a minute per user (or address): warm-up plus measured requests stay below that.
const requests = Number(process.env.SAML_BENCH_REQUESTS ?? 48);
const concurrency = 4;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function throughput(label: string, one: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 5; i++) await one();
  const started = performance.now();
  let left = requests;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await one();
  }));
  const perSecond = requests / ((performance.now() - started) / 1000);
  console.log(`${label}: ${perSecond.toFixed(1)}/s`);
  return perSecond;
}

async function bundle(entry: string, copied: { from: string; to: string }[] = [], external: readonly string[] = []): Promise<{ bytes: number; file: string; copiedBytes: number }> {
  // Inside the repository, so the AWS SDK and the packages installed beside the bundle resolve from its node_modules.
  const file = join(root, 'test-artifacts', 'bench', 'bundles', entry.split('/')[1]!, 'index.mjs');
  await build({
    entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, outfile: file,
    mainFields: ['module', 'main'], external: ['@aws-sdk/*', ...external], logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  let copiedBytes = 0;
  for (const { from, to } of copied) {
    cpSync(join(root, from), join(dirname(file), to), { recursive: true });
    copiedBytes += readdirSync(join(dirname(file), to)).reduce((sum, name) => sum + statSync(join(dirname(file), to, name)).size, 0);
  }
  return { bytes: statSync(file).size, file, copiedBytes };
}

function directorySize(directory: string): number {
  return readdirSync(directory, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function coldStartMs(file: string): number {
  const probe = join(mkdtempSync(join(tmpdir(), 'probe-')), 'probe.mjs');
  mkdirSync(dirname(probe), { recursive: true });
  writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`);
  const samples = Array.from({ length: 7 }, () => Number(execFileSync(process.execPath, [probe], { cwd: root }).toString().trim()));
  return median(samples);
}

export async function run(): Promise<BenchResult[]> {
  const saml = await bundle('functions/saml/handler.ts', [...(samlFunction.copiedFiles ?? [])], samlFunction.nodeModules);
  const besideBytes = saml.copiedBytes + directorySize(join(root, 'node_modules', 'libxml2-wasm'));
  const oidcBundle = await bundle('functions/oidc/handler.ts');
  const samlCold = coldStartMs(saml.file);
  const oidcCold = coldStartMs(oidcBundle.file);

  return withQuietRuntime(async (runtime) => {
    const api = await adminApi();
    const { tenant } = api;
    const entityId = 'https://bench-sp.example';
    await registerServiceProvider(api, { entityId, assertionConsumerServices: [{ url: 'http://127.0.0.1:9/acs', index: 0 }] });
    const browser = webClient(runtime.url);
    const user = { email: tenant.adminEmail, password: tenant.adminPassword };
    const authnRequest = () =>
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${crypto.randomUUID()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${tenant.issuer}/saml2/sso"><saml:Issuer>${entityId}</saml:Issuer></samlp:AuthnRequest>`;
    const sso = async () => {
      const res = await browser.get(`/t/${tenant.slug}/saml2/sso?SAMLRequest=${encodeURIComponent(encodeRedirect(authnRequest()))}`);
      if (res.status !== 200 || !res.body.includes('SAMLResponse')) throw new Error(`SSO failed: ${res.status} ${res.body.slice(0, 200)}`);
    };
    await followToSp(browser, () => browser.get(`/t/${tenant.slug}/saml2/sso?SAMLRequest=${encodeURIComponent(encodeRedirect(authnRequest()))}`), user);
    const samlRate = await throughput('SAML SSO responses', sso);

    // A first-party public client: its answers need no consent page, like the SAML SP's.
    const client = (await api.call('POST', '/applications', { client_name: 'bench', redirect_uris: [callbackUri], token_endpoint_auth_method: 'none', first_party: true })).json<{ client_id: string }>();
    const config = await oidc.discovery(new URL(tenant.issuer), client.client_id, undefined, oidc.None(), insecure);
    const challenge = await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callbackUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const first = await browser.get(`${url.pathname}${url.search}`);
    if (first.status !== 303) throw new Error(`authorize: ${first.status}`);
    const code = async () => {
      const res = await browser.get(`${url.pathname}${url.search}`);
      if (res.status !== 303 || !String(res.headers.location).includes('code=')) throw new Error(`authorize: ${res.status} ${String(res.headers.location)}`);
    };
    let oidcRate: number | undefined;
    try {
      oidcRate = await throughput('OIDC code answers', code);
    } catch (error) {
      console.log(`OIDC comparison skipped: ${(error as Error).message}`);
    }

    return [
      { name: 'SAML SSO responses, signed Response + Assertion (RS256)', value: Number(samlRate.toFixed(1)), unit: 'per s', note: `${requests} requests, ${concurrency} concurrent, over HTTP to the local runtime; includes schema validation of each AuthnRequest` },
      ...(oidcRate ? [{ name: 'OIDC authorization answers (code) for the same session', value: Number(oidcRate.toFixed(1)), unit: 'per s', note: `SAML/OIDC = ${(samlRate / oidcRate).toFixed(2)}×` }] : []),
      { name: 'saml bundle (minified ESM)', value: Math.round(saml.bytes / 1024), unit: 'KiB', note: `plus ${Math.round(besideBytes / 1024)} KiB beside it (SAML schemas, libxml2-wasm loaded at the first message); oidc bundle ${Math.round(oidcBundle.bytes / 1024)} KiB (${(saml.bytes / oidcBundle.bytes).toFixed(2)}×)` },
      { name: 'saml cold start (import of the bundle, median of 7)', value: Math.round(samlCold), unit: 'ms', note: `oidc ${Math.round(oidcCold)} ms (${(samlCold / oidcCold).toFixed(2)}×)` },
    ];
  });
}
