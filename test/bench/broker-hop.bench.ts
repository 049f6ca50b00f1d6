/**
 * The identity broker's added latency: a full sign-in of an OIDC application through the broker
 * (application → broker → upstream OpenID Provider's login → broker → application) against a
 * direct sign-in of an application at the same upstream, in the same run, each with a fresh
 * browser (no SSO session anywhere). Both include one password check (argon2id) at the upstream;
 * the difference is the broker's work: its authorization request and login page, the federated
 * ceremony, the code exchange and ID token check, the user lookup, its own session and code.
 */
import * as oidc from 'openid-client';
import { browse, oidcUpstream, providerLink } from '../support/federation.ts';
import { registerClient } from '../support/oidc-flows.ts';
import { webClient } from '../support/web-client.ts';
import { against, median, type BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

const rounds = Number(process.env.BROKER_BENCH_ROUNDS ?? 15);
const callback = 'http://127.0.0.1:9/callback';

async function application(tenant: Awaited<ReturnType<typeof oidcUpstream>>['broker']['tenant']) {
  const client = await registerClient(tenant, { client_name: 'bench', redirect_uris: [callback], first_party: true, token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
  const config = await oidc.discovery(new URL(tenant.issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
  return async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    return { verifier, url: oidc.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }) };
  };
}

export async function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async (runtime) => {
    const f = await oidcUpstream();
    const direct = await application(f.upstream.tenant);
    const brokered = await application(f.broker.tenant);

    const directSignIn = async () => {
      const browser = webClient(runtime.url);
      const { url } = await direct();
      const started = performance.now();
      const { leftTo } = await browse(browser, await browser.get(`${url.pathname}${url.search}`), f.person);
      if (!leftTo?.searchParams.get('code')) throw new Error('the direct sign-in did not end with a code');
      return performance.now() - started;
    };
    const brokeredSignIn = async () => {
      const browser = webClient(runtime.url);
      const { url } = await brokered();
      const started = performance.now();
      const page = await browse(browser, await browser.get(`${url.pathname}${url.search}`));
      const { leftTo } = await browse(browser, await browser.get(providerLink(page.res, 'Upstream Corp')), f.person);
      if (!leftTo?.searchParams.get('code')) throw new Error('the brokered sign-in did not end with a code');
      return performance.now() - started;
    };

    // Warm both paths (discovery cache, JIT provisioning of the brokered user), then alternate.
    for (let i = 0; i < 3; i++) {
      await directSignIn();
      await brokeredSignIn();
    }
    const directMs: number[] = [];
    const brokeredMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      directMs.push(await directSignIn());
      brokeredMs.push(await brokeredSignIn());
    }
    const [d, b] = [median(directMs), median(brokeredMs)];
    console.log(`direct ${d.toFixed(0)} ms, brokered ${b.toFixed(0)} ms`);
    return [
      against({ name: 'sign-in through the broker (median)', value: Number(b.toFixed(1)), unit: 'ms', samples: brokeredMs.map((v) => Math.round(v)), note: `added by the broker hop: ${(b - d).toFixed(0)} ms (median of ${rounds} alternating rounds, fresh browser each)` }, 'direct sign-in at the upstream', Number(d.toFixed(1))),
    ];
  });
}
