/**
 * This project against panva's `oidc-provider` (v9, Koa, default in-memory adapter), in the
 * same run, on the same machine:
 *
 * (1) client-credentials tokens/s: a confidential client, client_secret_basic, two scopes,
 *     one ES256-signed JWT access token per request on both sides (oidc-provider through a
 *     resource indicator with `accessTokenFormat: 'jwt'`); closed loop, 8 keep-alive
 *     connections, 1 s warm-up + 6 s measured, over loopback HTTP from this process.
 * (2) complete authorization-code + PKCE (S256) logins/s, each with a fresh cookie jar:
 *     authorize → login form → password → code → token exchange (ID token and JWT access
 *     token). Both sides verify the password with the same argon2id parameters once per
 *     login: this project in its own login, oidc-provider through a middleware in front of
 *     its development interactions that runs `verifySecret` on the login form's password.
 *     oidc-provider is measured twice: with its consent prompt (three more requests and a
 *     grant written), and with consent skipped for its first-party clients through
 *     `loadExistingGrant`, as this project skips it for the clients a tenant registers.
 *     The bare argon2id rate at the same concurrency is measured as the ceiling of both.
 * (3) CPU per token and per login: this project's runtime process and DynamoDB Local's JVM
 *     (Linux /proc), oidc-provider's own thread (process.threadCpuUsage in its worker); the
 *     operations a CPU-second buys each side, with and without the DynamoDB stand-in.
 * (4) DynamoDB capacity units per client-credentials token and per login on this project's
 *     side, on the same function code invoked in this process (oidc-provider keeps its
 *     state in memory and has no counterpart), and the DynamoDB calls/s those loads made
 *     against what DynamoDB Local sustains on this machine.
 *
 * This project runs as `npm start` would, in its own process (with DynamoDB Local);
 * oidc-provider runs in this process, in a worker thread of its own so that it does not
 * share an event loop with the load generator (as the runtime does not). Each concurrent
 * caller uses its own client on both sides, so that this project's per-client limit on
 * token requests (a policy, not a capacity) stays out of the measurement.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { text } from 'node:stream/consumers';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { exportJWK, generateKeyPair } from 'jose';
import { createOidcFunction } from '../../functions/oidc/app.ts';
import { oidcDeps } from '../../functions/oidc/deps.ts';
import { createLoginFunction } from '../../functions/login/app.ts';
import { sessionsTable } from '../../infra/tables.ts';
import { useRuntimeEnvironment } from '../support/aws-env.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { argon2Parameters, hashSecret, verifySecret } from '../../shared/domain/secrets/secret-hashing.ts';
import { httpEvent, testContext } from '../support/events.ts';
import { callbackUri, registerClient, signInThrough } from '../support/oidc-flows.ts';
import { startRuntime } from '../support/runtime.ts';
import { signUpTenant, type SignedUpTenant } from '../support/signup.ts';
import { csrfTokenOf, webClient, type WebClient } from '../support/web-client.ts';
import { countCapacity } from './capacity.ts';
import { processCpu } from './process-cpu.ts';
import { against, median, type BenchResult } from './report.ts';

const load = { concurrency: 8, warmupMs: 1000, durationMs: 6000 } as const;
/** Upper bounds on operations per window (warm-up and measured each). */
const maxTokens = 200_000;
const maxLogins = 20_000;
const capacitySamples = { tokens: 20, logins: 10 } as const;

const progress = (message: string) => process.stderr.write(`  ${message}\n`);

const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const isJwt = (value: unknown) => typeof value === 'string' && value.split('.').length === 3;

// ---------------------------------------------------------------------------------------------
// oidc-provider, served from a worker thread of this process.

/** The little of oidc-provider's (untyped) API used here. */
interface KoaContext {
  readonly method: string;
  readonly path: string;
  readonly req: IncomingMessage & { body?: string };
  status: number;
  body: unknown;
}
interface ProviderGrant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface GrantContext {
  readonly oidc: {
    readonly provider: { readonly Grant: { new (init: { accountId: string; clientId: string }): ProviderGrant; find(id: string): Promise<ProviderGrant | undefined> } };
    readonly client: { readonly clientId: string };
    readonly session: { readonly accountId: string; grantIdFor(clientId: string): string | undefined };
    readonly result?: { readonly consent?: { readonly grantId?: string } };
  };
}
interface OidcProvider {
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  on(event: 'server_error', listener: (ctx: unknown, error: unknown) => void): void;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

interface ProviderWorkerData {
  readonly role: 'oidc-provider';
  readonly username: string;
  /** `hashSecret('password', …)` of the one account's password. */
  readonly passwordHash: string;
  readonly clients: typeof providerClients;
}

interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
}

/** One client of each kind per concurrent caller, on both sides (see the note on rate limits in run()). */
const providerClients = {
  service: Array.from({ length: load.concurrency }, (_, i): ClientCredentials => ({ id: `bench-service-${i}`, secret: randomBytes(32).toString('base64url') })),
  web: Array.from({ length: load.concurrency }, (_, i): ClientCredentials => ({ id: `bench-web-${i}`, secret: randomBytes(32).toString('base64url') })),
};
const providerResource = 'urn:bench:api';
const providerScopes = 'api:read api:write';

type ToWorker = { readonly autoConsent: boolean } | { readonly stop: true } | { readonly cpu: true };
type FromWorker = { readonly issuer: string } | { readonly ack: true } | { readonly cpuSeconds: number };

async function serveOidcProvider(data: ProviderWorkerData): Promise<void> {
  const port = parentPort!;
  // oidc-provider ships no type declarations; the specifier is not a literal so that none are looked for.
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor };
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  let autoConsent = false;
  const { service, web } = data.clients;

  const provider = new Provider(issuer, {
    clients: [
      ...service.map((c) => ({ client_id: c.id, client_secret: c.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' })),
      ...web.map((c) => ({ client_id: c.id, client_secret: c.secret, grant_types: ['authorization_code'], redirect_uris: [callbackUri], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' })),
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // Lifetimes like this project's (access tokens 600 s, codes 60 s); set to quiet its notices.
    ttl: { AccessToken: 600, ClientCredentials: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 86_400, Grant: 86_400 },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => providerResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: providerScopes, audience: providerResource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'ES256' } } }),
      },
    },
    // The default, plus (when asked) a grant made at once for the first-party web clients: no consent prompt.
    loadExistingGrant: async (ctx: GrantContext) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      if (!autoConsent || !web.some((c) => c.id === oidc.client.clientId)) return undefined;
      const grant = new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
      grant.addOIDCScope('openid');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error:', error));

  // The development login form posts `prompt=login&login=…&password=…` to /interaction/:uid and
  // checks nothing: verify the password here, as this project does, once per login.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && /^\/interaction\/[^/]+$/.test(ctx.path)) {
      const raw = await text(ctx.req);
      const form = new URLSearchParams(raw);
      if (form.get('prompt') === 'login' && (form.get('login') !== data.username || !(await verifySecret(form.get('password') ?? '', data.passwordHash)))) {
        ctx.status = 401;
        ctx.body = 'invalid login or password';
        return;
      }
      // Read already: oidc-provider takes a parsed body from req.body.
      ctx.req.body = raw;
    }
    await next();
  });
  server.on('request', provider.callback());

  port.on('message', (message: ToWorker) => {
    if ('stop' in message) {
      server.closeAllConnections();
      server.close();
      port.close();
    } else if ('cpu' in message) {
      const { user, system } = process.threadCpuUsage();
      port.postMessage({ cpuSeconds: (user + system) / 1e6 } satisfies FromWorker);
    } else {
      autoConsent = message.autoConsent;
      port.postMessage({ ack: true } satisfies FromWorker);
    }
  });
  port.postMessage({ issuer } satisfies FromWorker);
}

/** Starts oidc-provider in a worker thread of this process; answers its issuer and a way to switch consent and to stop it. */
async function startOidcProvider(data: Omit<ProviderWorkerData, 'role' | 'clients'>) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'oidc-provider', clients: providerClients, ...data } satisfies ProviderWorkerData });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the oidc-provider worker exited with ${code}`)));
  });
  failed.catch(() => undefined);
  const next = () => Promise.race([new Promise<FromWorker>((resolve) => worker.once('message', resolve)), failed]);
  const first = await next().catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (!('issuer' in first)) throw new Error(`the oidc-provider worker answered ${JSON.stringify(first)}`);
  return {
    issuer: first.issuer,
    async autoConsent(on: boolean) {
      worker.postMessage({ autoConsent: on } satisfies ToWorker);
      await next();
    },
    /** CPU seconds oidc-provider's thread has used so far. */
    async cpuSeconds(): Promise<number> {
      worker.postMessage({ cpu: true } satisfies ToWorker);
      const answer = await next();
      if (!('cpuSeconds' in answer)) throw new Error(`the oidc-provider worker answered ${JSON.stringify(answer)}`);
      return answer.cpuSeconds;
    },
    async stop() {
      worker.postMessage({ stop: true } satisfies ToWorker);
      const exited = await Promise.race([
        new Promise<boolean>((resolve) => worker.once('exit', () => resolve(true))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
      ]);
      if (!exited) {
        progress('the oidc-provider worker did not stop within 2 s: terminated');
        await worker.terminate();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load.

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, method: 'POST', timeout: 10_000, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.once('error', reject);
    req.end(body);
  });
}

interface LoopResult {
  readonly perSecond: number;
  readonly done: number;
  readonly errors: number;
  readonly p50Ms: number;
  /** Operations started in all, warm-up included (what the CPU spent during the loop went to). */
  readonly started: number;
}

/**
 * `load.concurrency` callers, each starting the next operation when the last one ends; those
 * started inside the measuring window count, the window ends when the last one has.
 */
async function closedLoop(label: string, work: (caller: number) => Promise<void>, maxOps: number, window: { warmupMs: number; durationMs: number } = load): Promise<LoopResult> {
  progress(`${label} (${load.concurrency} concurrent, ${window.warmupMs / 1000} s warm-up + ${window.durationMs / 1000} s)`);
  const start = performance.now();
  const measureFrom = start + window.warmupMs;
  const measureUntil = measureFrom + window.durationMs;
  const latencies: number[] = [];
  let warmups = 0;
  let errors = 0;
  let lastError: unknown;
  const caller = async (index: number) => {
    for (;;) {
      const sent = performance.now();
      const inWindow = sent >= measureFrom;
      if (sent >= measureUntil || (inWindow ? latencies.length + errors : warmups) >= maxOps) return;
      if (!inWindow) warmups++;
      try {
        await work(index);
        if (inWindow) latencies.push(performance.now() - sent);
      } catch (error) {
        lastError = error;
        if (inWindow) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, (_, index) => caller(index)));
  const elapsed = performance.now() - measureFrom;
  const result = { perSecond: (latencies.length / elapsed) * 1000, done: latencies.length, errors, p50Ms: median(latencies), started: warmups + latencies.length + errors };
  progress(`  ${result.perSecond.toFixed(1)}/s, p50 ${result.p50Ms.toFixed(1)} ms, ${result.done} done, ${errors} errors`);
  if (errors > Math.max(1, result.done / 100)) throw new Error(`${label}: ${errors} of ${errors + result.done} failed; last: ${String(lastError)}`, { cause: lastError });
  return result;
}

/** Client-credentials tokens through the token endpoint, on keep-alive connections; the first answer is checked to be a JWT. */
async function clientCredentialsLoad(label: string, tokenUrl: string, clients: readonly ClientCredentials[], scope: string): Promise<LoopResult> {
  const url = new URL(tokenUrl);
  if (!loopbackHosts.has(url.hostname) || url.protocol !== 'http:') throw new Error(`load is only sent to loopback http addresses, not ${tokenUrl}`);
  const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency, maxFreeSockets: load.concurrency });
  const headers = clients.map((c) => ({ authorization: basicAuth(c.id, c.secret) }));
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope }).toString();
  try {
    for (const header of headers) {
      const first = await post(agent, url, body, header);
      const token = first.status === 200 ? (JSON.parse(first.body) as { access_token?: string; scope?: string }) : undefined;
      if (!isJwt(token?.access_token) || token?.scope !== scope) throw new Error(`${label}: the token endpoint answered ${first.status}: ${first.body.slice(0, 300)}`);
    }
    return await closedLoop(label, async (caller) => {
      const res = await post(agent, url, body, headers[caller % headers.length]!);
      if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
    }, maxTokens);
  } finally {
    agent.destroy();
  }
}

/** POST /token with the code; both sides answer an ID token and a JWT access token. */
async function redeem(browser: WebClient, tokenPath: string, client: ClientCredentials, code: string, verifier: string): Promise<void> {
  const res = await browser.postForm(tokenPath, { grant_type: 'authorization_code', code, redirect_uri: callbackUri, code_verifier: verifier }, { authorization: basicAuth(client.id, client.secret) });
  if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
  const tokens = res.json<{ access_token?: string; id_token?: string }>();
  if (!isJwt(tokens.access_token) || !isJwt(tokens.id_token)) throw new Error(`the token response lacks a JWT access token or ID token: ${res.body.slice(0, 200)}`);
}

function authorizationQuery(clientId: string, challenge: string, state: string) {
  return new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: callbackUri, scope: 'openid',
    state, nonce: randomBytes(12).toString('base64url'), code_challenge: challenge, code_challenge_method: 'S256',
  });
}

function codeFrom(redirect: URL, state: string): string {
  const code = redirect.searchParams.get('code');
  if (!code || redirect.searchParams.get('state') !== state || `${redirect.origin}${redirect.pathname}` !== callbackUri) throw new Error(`no code in the redirect: ${redirect.href}`);
  return code;
}

/** Requests sent and logins completed by one login driver. */
interface Tally {
  requests: number;
  logins: number;
}

/** A fresh cookie jar (and loopback address) whose requests are counted. */
function countedClient(baseUrl: string, tally: Tally): WebClient {
  const client = webClient(baseUrl);
  const counted = <A extends unknown[], R>(send: (...args: A) => R) => (...args: A): R => {
    tally.requests++;
    return send(...args);
  };
  return { ...client, get: counted(client.get), postForm: counted(client.postForm), postJson: counted(client.postJson), send: counted(client.send) };
}

/** A login at this project: the hosted pages through `signInThrough`, then the token exchange. */
function projectLogin(runtimeUrl: string, tenant: SignedUpTenant, clients: readonly ClientCredentials[]) {
  const issuerPath = new URL(tenant.issuer).pathname;
  const tally: Tally = { requests: 0, logins: 0 };
  const login = async (caller: number) => {
    const client = clients[caller % clients.length]!;
    const browser = countedClient(runtimeUrl, tally);
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const url = new URL(`${tenant.issuer}/oauth2/authorize?${authorizationQuery(client.id, challenge, state)}`);
    const redirect = await signInThrough(url, { email: tenant.adminEmail, password: tenant.adminPassword }, browser);
    await redeem(browser, `${issuerPath}/oauth2/token`, client, codeFrom(redirect, state), verifier);
    tally.logins++;
  };
  return { login, tally };
}

/** A login at oidc-provider through its development interactions: login form, then (unless skipped) consent. */
function providerLogin(issuer: string, user: { login: string; password: string }, clients: readonly ClientCredentials[]) {
  const origin = new URL(issuer).origin;
  const tally: Tally = { requests: 0, logins: 0 };
  const login = async (caller: number) => {
    const client = clients[caller % clients.length]!;
    const browser = countedClient(issuer, tally);
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    let res = await browser.get(`/auth?${authorizationQuery(client.id, challenge, state)}`);
    for (let hops = 0; hops < 10; hops++) {
      if (res.status === 200) {
        const action = /<form[^>]* action="([^"]+)"/.exec(res.body)?.[1];
        const prompt = /name="prompt" value="([^"]+)"/.exec(res.body)?.[1];
        if (!action || !prompt) throw new Error(`unexpected page: ${res.body.slice(0, 300)}`);
        res = await browser.postForm(new URL(action, origin).pathname, prompt === 'login' ? { prompt, login: user.login, password: user.password } : { prompt });
        continue;
      }
      if (res.status !== 302 && res.status !== 303) throw new Error(`unexpected ${res.status} while signing in: ${res.body.slice(0, 300)}`);
      const location = new URL(String(res.headers.location), origin);
      if (location.origin !== origin) {
        await redeem(browser, '/token', client, codeFrom(location, state), verifier);
        tally.logins++;
        return;
      }
      res = await browser.get(`${location.pathname}${location.search}`);
    }
    throw new Error('too many redirects while signing in');
  };
  return { login, tally };
}

// ---------------------------------------------------------------------------------------------
// Capacity, in this process on the same function code.

type LambdaResult = { statusCode: number; headers?: Record<string, string>; cookies?: string[]; body?: string };

async function measureCapacity(runtimeUrl: string, tenant: SignedUpTenant, service: ClientCredentials & { scope: string }, web: ClientCredentials) {
  const db = createDocumentClient();
  try {
    const capacity = countCapacity(db);
    const ports = () => portsFromEnvironment({ db });
    const oidcHandler = createOidcFunction(() => oidcDeps(ports()));
    const loginHandler = createLoginFunction(ports);
    const invoke = async (handler: typeof oidcHandler | typeof loginHandler, name: string, options: Parameters<typeof httpEvent>[0]) =>
      (await handler(httpEvent({ pathParameters: { tenant: tenant.slug }, ...options }), testContext(name))) as LambdaResult;
    const base = `/t/${tenant.slug}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const token = (i: number) =>
      invoke(oidcHandler, 'oidc', {
        routeKey: 'POST /t/{tenant}/oauth2/token', path: `${base}/oauth2/token`, sourceIp: `127.0.20.${i + 1}`,
        headers: { ...form, authorization: basicAuth(service.id, service.secret) },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: service.scope }).toString(),
      });

    const login = async (i: number) => {
      const sourceIp = `127.0.21.${i + 1}`;
      const jar = new Map<string, string>();
      const cookies = () => [...jar].map(([name, value]) => `${name}=${value}`);
      const keep = (res: LambdaResult) => {
        for (const line of res.cookies ?? []) {
          const pair = line.split(';')[0]!;
          const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
          if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
          else jar.set(name, value);
        }
        return res;
      };
      const redirected = (res: LambdaResult, step: string) => {
        if (res.statusCode !== 303) throw new Error(`in-process ${step} answered ${res.statusCode}: ${res.body?.slice(0, 200)}`);
        return new URL(res.headers!.location!, runtimeUrl);
      };
      const { verifier, challenge } = pkce();
      const state = randomBytes(12).toString('base64url');
      const toLogin = redirected(keep(await invoke(oidcHandler, 'oidc', {
        routeKey: 'GET /t/{tenant}/oauth2/authorize', path: `${base}/oauth2/authorize`, query: authorizationQuery(web.id, challenge, state).toString(), cookies: cookies(), sourceIp,
      })), 'authorize');
      const page = keep(await invoke(loginHandler, 'login', { routeKey: 'GET /t/{tenant}/login', path: toLogin.pathname, query: toLogin.search.slice(1), cookies: cookies(), sourceIp }));
      if (page.statusCode !== 200) throw new Error(`in-process login page answered ${page.statusCode}`);
      const tx = /name="tx" value="([^"]+)"/.exec(page.body!)?.[1];
      const back = redirected(keep(await invoke(loginHandler, 'login', {
        routeKey: 'POST /t/{tenant}/login', path: toLogin.pathname, cookies: cookies(), sourceIp, headers: form,
        body: new URLSearchParams({ csrf: csrfTokenOf(page.body!), identifier: tenant.adminEmail, password: tenant.adminPassword, ...(tx ? { tx } : {}) }).toString(),
      })), 'login');
      const toClient = redirected(keep(await invoke(oidcHandler, 'oidc', {
        routeKey: 'GET /t/{tenant}/oauth2/authorize/resume', path: back.pathname, query: back.search.slice(1), cookies: cookies(), sourceIp,
      })), 'resume');
      const res = await invoke(oidcHandler, 'oidc', {
        routeKey: 'POST /t/{tenant}/oauth2/token', path: `${base}/oauth2/token`, sourceIp,
        headers: { ...form, authorization: basicAuth(web.id, web.secret) },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: codeFrom(toClient, state), redirect_uri: callbackUri, code_verifier: verifier }).toString(),
      });
      if (res.statusCode !== 200) throw new Error(`in-process token exchange answered ${res.statusCode}: ${res.body?.slice(0, 200)}`);
    };

    // Warm: tenant, client and signing key cached as in a warm function.
    if ((await token(99)).statusCode !== 200) throw new Error('in-process client-credentials token failed');
    await login(99);

    capacity.reset();
    for (let i = 0; i < capacitySamples.tokens; i++) {
      const res = await token(i);
      if (res.statusCode !== 200) throw new Error(`in-process client-credentials token answered ${res.statusCode}`);
    }
    const perToken = { ...capacity.totals };
    capacity.reset();
    for (let i = 0; i < capacitySamples.logins; i++) await login(i);
    const perLogin = { ...capacity.totals };
    return { perToken, perLogin };
  } finally {
    db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<BenchResult[]> {
  // Two cores shared with anything else running bias every number here: say how busy the machine was.
  const loadAverage = loadavg()[0]!;
  const runtime = await startRuntime({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  let provider: Awaited<ReturnType<typeof startOidcProvider>> | undefined;
  try {
    useRuntimeEnvironment(runtime);
    const tenant = await signUpTenant(webClient(runtime.url));
    const projectScope = 'profile email';
    // One client of each kind per concurrent caller, on both sides: the token endpoint limits the
    // requests of each client per minute, a policy and not the throughput measured here.
    const service: ClientCredentials[] = [];
    const web: ClientCredentials[] = [];
    for (let i = 0; i < load.concurrency; i++) {
      const s = await registerClient(tenant, { client_name: `Bench service ${i}`, grant_types: ['client_credentials'], redirect_uris: [], scope: projectScope });
      service.push({ id: s.client_id, secret: s.client_secret! });
      const w = await registerClient(tenant, { client_name: `Bench web ${i}`, grant_types: ['authorization_code'], redirect_uris: [callbackUri] });
      web.push({ id: w.client_id, secret: w.client_secret! });
    }

    // oidc-provider's one account has the tenant admin's password, hashed as this project hashes passwords.
    const passwordHash = await hashSecret('password', tenant.adminPassword);
    provider = await startOidcProvider({ username: 'ada', passwordHash });
    progress(`this project at ${tenant.issuer}, oidc-provider at ${provider.issuer} (worker thread)`);

    const argonMs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      if (!(await verifySecret(tenant.adminPassword, passwordHash))) throw new Error('argon2id verification failed');
      argonMs.push(performance.now() - t);
    }

    const ours = async (loop: () => Promise<LoopResult>) => {
      const cpu = processCpu(runtime.pid);
      const result = await loop();
      return { result, cpu: cpu?.stop() };
    };
    const theirs = async (loop: () => Promise<LoopResult>) => {
      const before = await provider!.cpuSeconds();
      const result = await loop();
      return { result, cpuSeconds: (await provider!.cpuSeconds()) - before };
    };

    const tokensProjectRun = await ours(() => clientCredentialsLoad('client credentials, this project', `${tenant.issuer}/oauth2/token`, service, projectScope));
    const tokensProviderRun = await theirs(() => clientCredentialsLoad('client credentials, oidc-provider', `${provider!.issuer}/token`, providerClients.service, providerScopes));
    const [tokensProject, tokensProvider] = [tokensProjectRun.result, tokensProviderRun.result];

    const projectDriver = projectLogin(runtime.url, tenant, web);
    const loginsProjectRun = await ours(() => closedLoop('logins, this project', projectDriver.login, maxLogins));
    const loginsProject = loginsProjectRun.result;
    const providerUser = { login: 'ada', password: tenant.adminPassword };
    const consentDriver = providerLogin(provider.issuer, providerUser, providerClients.web);
    const loginsProvider = await closedLoop('logins, oidc-provider with consent', consentDriver.login, maxLogins);
    await provider.autoConsent(true);
    const noConsentDriver = providerLogin(provider.issuer, providerUser, providerClients.web);
    const loginsProviderNoConsentRun = await theirs(() => closedLoop('logins, oidc-provider, consent skipped', noConsentDriver.login, maxLogins));
    const loginsProviderNoConsent = loginsProviderNoConsentRun.result;
    const perLoginRequests = ({ tally }: { tally: Tally }) => `${(tally.requests / Math.max(1, tally.logins)).toFixed(1)} HTTP requests per login`;

    // The ceiling of any password login on this machine: argon2id verifications alone, at the same concurrency.
    const cpuBefore = process.cpuUsage();
    const bareArgon = await closedLoop('bare argon2id verify', async () => {
      if (!(await verifySecret(tenant.adminPassword, passwordHash))) throw new Error('argon2id verification failed');
    }, maxLogins, { warmupMs: 500, durationMs: 3000 });
    const argonCpu = process.cpuUsage(cpuBefore);
    /** CPU seconds of one verification (this process did nothing else meanwhile). */
    const verifySeconds = (argonCpu.user + argonCpu.system) / 1e6 / bareArgon.started;

    progress(`capacity: ${capacitySamples.tokens} tokens and ${capacitySamples.logins} logins in process`);
    const { perToken, perLogin } = await measureCapacity(runtime.url, tenant, { ...service[0]!, scope: projectScope }, web[0]!);

    // What DynamoDB Local itself sustains at the same concurrency: a small item put, then read back.
    const db = createDocumentClient();
    const dynamodbLocal = await closedLoop('DynamoDB Local, PutItem + GetItem of a small item', async (caller) => {
      const key = { pk: `bench#${caller}`, sk: randomBytes(8).toString('hex') };
      await db.send(new PutCommand({ TableName: sessionsTable.id, Item: { ...key, expiresAt: Math.floor(Date.now() / 1000) + 300 } }));
      await db.send(new GetCommand({ TableName: sessionsTable.id, Key: key }));
    }, maxTokens, { warmupMs: 500, durationMs: 3000 }).finally(() => db.destroy());
    const callsPerToken = perToken.calls / capacitySamples.tokens;
    const callsPerLogin = perLogin.calls / capacitySamples.logins;

    const loadNote = `${load.concurrency} concurrent, ${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s, 1-min load average ${loadAverage.toFixed(2)} at start on ${cpus().length} cores`;
    const errorsNote = (r: LoopResult) => `${r.done} done, ${r.errors} errors, p50 ${r.p50Ms.toFixed(1)} ms`;
    const argon = `argon2id m=${argon2Parameters.memory} KiB, t=${argon2Parameters.passes}, p=${argon2Parameters.parallelism}`;

    // Operations per CPU-second: this project's runtime process alone (the functions' own work, as
    // Lambda would bill it) and with DynamoDB Local's JVM added, against oidc-provider's thread.
    const cpuRows: BenchResult[] = [];
    const perCpuSecond = (what: string, unit: string, project: typeof tokensProjectRun, provider: { result: LoopResult; cpuSeconds: number }, hashes: number, argonNote: string) => {
      if (!project.cpu) return;
      // oidc-provider's hook hashes on this process's libuv pool, outside its thread: its verifications are added back.
      const providerSeconds = provider.cpuSeconds + hashes * verifySeconds * provider.result.started;
      const theirsRate = provider.result.started / providerSeconds;
      const runtimeMs = (project.cpu.runtime * 1000) / project.result.started;
      const javaMs = (project.cpu.dynamodbLocal * 1000) / project.result.started;
      cpuRows.push(
        against(
          { name: `${what} per CPU-second, runtime process only`, value: project.result.started / project.cpu.runtime, unit, note: `this project ${runtimeMs.toFixed(2)} ms of runtime CPU per ${unit.split('/')[0]} (functions, gateway, audit pipeline), oidc-provider ${((providerSeconds * 1000) / provider.result.started).toFixed(2)} ms${argonNote}` },
          'oidc-provider (its thread)',
          theirsRate,
        ),
        against(
          { name: `${what} per CPU-second, runtime + DynamoDB Local`, value: project.result.started / (project.cpu.runtime + project.cpu.dynamodbLocal), unit, note: `DynamoDB Local's JVM ${javaMs.toFixed(2)} ms per ${unit.split('/')[0]} on top` },
          'oidc-provider (its thread)',
          theirsRate,
        ),
      );
    };
    perCpuSecond('client-credentials tokens', 'token/s', tokensProjectRun, tokensProviderRun, 0, ' of its thread');
    perCpuSecond('auth-code + PKCE logins', 'login/s', loginsProjectRun, loginsProviderNoConsentRun, 1, ` (its thread, plus ${(verifySeconds * 1000).toFixed(1)} ms for the verification its hook runs on this process's libuv pool; ours is in the runtime process's CPU)`);

    return [
      against(
        { name: 'client-credentials tokens/s (this project / oidc-provider)', value: tokensProject.perSecond, unit: 'token/s', note: `${loadNote}, keep-alive, client_secret_basic, 2 scopes, ES256 JWT access token each side; this project ${errorsNote(tokensProject)}; oidc-provider ${errorsNote(tokensProvider)}` },
        'oidc-provider',
        tokensProvider.perSecond,
      ),
      against(
        { name: 'auth-code + PKCE logins/s (oidc-provider with consent)', value: loginsProject.perSecond, unit: 'login/s', note: `${loadNote}, fresh cookie jar each, scope openid, ${argon} verified once per login on both sides; this project ${errorsNote(loginsProject)}, ${perLoginRequests(projectDriver)}; oidc-provider ${errorsNote(loginsProvider)}, ${perLoginRequests(consentDriver)} (login form, then consent form)` },
        'oidc-provider, consent prompt',
        loginsProvider.perSecond,
      ),
      against(
        { name: 'auth-code + PKCE logins/s (oidc-provider without consent)', value: loginsProject.perSecond, unit: 'login/s', note: `oidc-provider's grant made at once for its first-party clients (loadExistingGrant), as this project skips consent for the clients a tenant registers; oidc-provider ${errorsNote(loginsProviderNoConsent)}, ${perLoginRequests(noConsentDriver)}` },
        'oidc-provider, consent skipped',
        loginsProviderNoConsent.perSecond,
      ),
      { name: 'argon2id verify, one at a time (median)', value: median(argonMs), unit: 'ms', samples: argonMs, note: argon },
      { name: 'bare argon2id verify/s, 8 concurrent (the ceiling of a password login here)', value: bareArgon.perSecond, unit: 'verify/s', note: `libuv's default 4 threads; this project hashes in its runtime process, oidc-provider's hook in this one` },
      { name: 'DynamoDB read capacity per client-credentials token', value: perToken.read / capacitySamples.tokens, unit: 'RCU', note: `${callsPerToken} calls per token, in process, warm function` },
      { name: 'DynamoDB write capacity per client-credentials token', value: perToken.write / capacitySamples.tokens, unit: 'WCU' },
      { name: 'DynamoDB read capacity per login', value: perLogin.read / capacitySamples.logins, unit: 'RCU', note: `${callsPerLogin} calls per login (authorize, login page, password, resume, token exchange), in process, warm functions` },
      { name: 'DynamoDB write capacity per login', value: perLogin.write / capacitySamples.logins, unit: 'WCU' },
      ...cpuRows,
      against(
        { name: 'DynamoDB calls/s made by the client-credentials load (this project)', value: tokensProject.perSecond * callsPerToken, unit: 'call/s', note: 'tokens/s times calls per token: how close this project ran to what DynamoDB Local sustains on this machine' },
        'DynamoDB Local, Put + Get, 8 concurrent',
        dynamodbLocal.perSecond * 2,
      ),
      against(
        { name: 'DynamoDB calls/s made by the login load (this project)', value: loginsProject.perSecond * callsPerLogin, unit: 'call/s', note: 'logins/s times calls per login' },
        'DynamoDB Local, Put + Get, 8 concurrent',
        dynamodbLocal.perSecond * 2,
      ),
    ];
  } finally {
    await provider?.stop();
    await runtime.stop();
    rmSync(runtime.dataDir, { recursive: true, force: true });
  }
}

// The worker thread's entry point is this same module.
if (!isMainThread && (workerData as Partial<ProviderWorkerData> | null)?.role === 'oidc-provider') {
  await serveOidcProvider(workerData as ProviderWorkerData);
}
