import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportJWK, exportPKCS8, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { auditEventsOf } from '../support/audit.ts';
import { useSharedRuntimeEnvironment } from '../support/aws-env.ts';
import { providerLink } from '../support/federation.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { webClient, type WebClient, type WebResponse } from '../support/web-client.ts';

before(useSharedRuntimeEnvironment);

/** The little of oidc-provider's (untyped) API used here. */
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => { callback(): (req: IncomingMessage, res: ServerResponse) => void };
const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor };

const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function listening(): Promise<{ server: Server; issuer: string }> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const callbackOf = (api: AdminApi) => `${sharedRuntime.url}/t/${api.tenant.slug}/login/federated/callback`;

/**
 * A browser across two sites: the platform and the upstream, each with its own cookies. Follows
 * redirects, submits the upstream's interaction forms (any login; consent), and stops at the
 * first platform page that is not a redirect.
 */
async function acrossSites(platform: WebClient, upstream: WebClient, upstreamOrigin: string, first: WebResponse): Promise<WebResponse> {
  let res = first;
  let at: 'platform' | 'upstream' = 'platform';
  for (let hops = 0; hops < 20; hops++) {
    if (res.status === 302 || res.status === 303) {
      const location: URL = new URL(String(res.headers.location), at === 'platform' ? sharedRuntime.url : upstreamOrigin);
      at = location.origin === upstreamOrigin ? 'upstream' : 'platform';
      res = await (at === 'upstream' ? upstream : platform).get(`${location.pathname}${location.search}`);
      continue;
    }
    if (at === 'upstream' && res.status === 200) {
      const action = /<form[^>]*action="([^"]+)"/.exec(res.body)?.[1];
      assert.ok(action, res.body.slice(0, 300));
      const fields: Record<string, string> = Object.fromEntries([...res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      if (/name="login"/.test(res.body)) Object.assign(fields, { login: 'erin-42', password: 'anything' });
      res = await upstream.postForm(action.replace(upstreamOrigin, ''), fields);
      continue;
    }
    return res;
  }
  throw new Error('too many hops');
}

describe('oidc-provider (panva) as the upstream OpenID Provider', () => {
  test('private_key_jwt at its token endpoint, PKCE, its ID token checked; the user provisioned from its claims', async () => {
    const broker = await adminApi();
    const { server, issuer } = await listening();
    const created = await broker.call('POST', '/identity-providers', { name: 'Panva OP', kind: 'oidc', issuer, clientId: 'broker', clientAuthentication: 'private_key_jwt', scopes: ['openid', 'email', 'profile'] });
    assert.equal(created.status, 201, created.body);
    const idp = created.json<{ id: string; clientAuthentication: string; clientJwks: { keys: JWK[] }; hasClientSecret: boolean }>();
    assert.deepEqual([idp.clientAuthentication, idp.hasClientSecret, idp.clientJwks.keys[0]!.kty, 'd' in idp.clientJwks.keys[0]!], ['private_key_jwt', false, 'EC', false], 'only the public key is shown');

    const provider = new Provider(issuer, {
      clients: [{ client_id: 'broker', redirect_uris: [callbackOf(broker)], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: idp.clientJwks.keys as never }, grant_types: ['authorization_code'], response_types: ['code'] }],
      findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@panva-op.example`, email_verified: true, given_name: 'Erin', family_name: 'Op' }) }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['a test cookie key of some length'] },
    });
    server.on('request', provider.callback());
    assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idp.id}`] }] })).status, 200);

    const platform = webClient(sharedRuntime.url);
    const start = await platform.get(providerLink(await platform.get(`/t/${broker.tenant.slug}/login`), 'Panva OP'));
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.origin, issuer);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    const done = await acrossSites(platform, webClient(issuer), issuer, start);
    assert.equal(done.status, 200, done.body.slice(0, 400));
    assert.match(done.body, /You are signed in/);
    const users = (await broker.call('GET', '/users')).json<{ items: Array<{ emails: Array<{ value: string; verified: boolean }>; name: { givenName?: string } }> }>().items;
    const erin = users.find((u) => u.emails[0]?.value === 'erin-42@panva-op.example');
    assert.ok(erin);
    assert.deepEqual([erin.emails[0]!.verified, erin.name.givenName], [true, 'Erin']);
  });
});

type Scenario = 'genuine' | 'wrong-iss' | 'wrong-aud' | 'expired' | 'unsigned' | 'other-nonce' | 'other-key';

/** Sign in with Apple's shape of client authentication: the client secret is a JWT the registered key signs. */
interface AppleCheck {
  readonly teamId: string;
  readonly keyId: string;
  readonly publicKey: CryptoKey;
  readonly clientId: string;
}

/** An OpenID Provider that answers every authorization at once and issues the ID token a scenario asks for. */
async function hostileOp() {
  const { server, issuer } = await listening();
  const key = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const nonces = new Map<string, string>();
  const state = { scenario: 'genuine' as Scenario, clientId: 'broker', apple: undefined as AppleCheck | undefined, secrets: [] as string[] };
  const body = async (req: IncomingMessage) => new URLSearchParams(await new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  }));
  server.on('request', async (req, res) => {
    const url = new URL(req.url!, issuer);
    const send = (status: number, value: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => res.writeHead(status, headers).end(typeof value === 'string' ? value : JSON.stringify(value));
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(200, { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'], code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['client_secret_basic'] });
    }
    if (url.pathname === '/jwks') return send(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = crypto.randomUUID();
      nonces.set(code, url.searchParams.get('nonce')!);
      if (url.searchParams.get('response_mode') === 'form_post') {
        const fields = { code, state: url.searchParams.get('state')!, iss: issuer };
        return send(200, `<form method="post" action="${url.searchParams.get('redirect_uri')}">${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('')}</form>`, { 'content-type': 'text/html' });
      }
      return send(302, '', { location: `${url.searchParams.get('redirect_uri')}?code=${code}&state=${url.searchParams.get('state')}&iss=${encodeURIComponent(issuer)}` });
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = await body(req);
      const code = form.get('code')!;
      if (state.apple) {
        const secret = form.get('client_secret') ?? '';
        state.secrets.push(secret);
        const checked = await jwtVerify(secret, state.apple.publicKey, { issuer: state.apple.teamId, subject: state.apple.clientId, audience: issuer, algorithms: ['ES256'] }).catch(() => undefined);
        if (!checked || checked.protectedHeader.kid !== state.apple.keyId || form.get('client_id') !== state.apple.clientId) return send(401, { error: 'invalid_client' });
      }
      const now = Math.floor(Date.now() / 1000);
      const s = state.scenario;
      const claims = { sub: 'hostile-1', email: 'mallory@hostile.example', email_verified: true, nonce: s === 'other-nonce' ? 'not-the-nonce' : nonces.get(code)! };
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(s === 'wrong-iss' ? 'https://someone-else.example' : issuer).setAudience(s === 'wrong-aud' ? 'another-client' : state.clientId)
        .setIssuedAt(s === 'expired' ? now - 7200 : now).setExpirationTime(s === 'expired' ? now - 3600 : now + 300);
      const idToken = s === 'unsigned' ? new UnsecuredJWT({ ...claims, iss: issuer, aud: state.clientId, iat: now, exp: now + 300 }).encode() : await jwt.sign(s === 'other-key' ? stranger.privateKey : key.privateKey);
      return send(200, { access_token: 'opaque', token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    return send(404, { error: 'not_found' });
  });
  return { issuer, state };
}

describe('a hostile upstream OpenID Provider', () => {
  test('wrong issuer, wrong audience, expired, unsigned, another nonce, another key: each refused with an audit event, nobody provisioned', async () => {
    const broker = await adminApi();
    const op = await hostileOp();
    const created = await broker.call('POST', '/identity-providers', { name: 'Hostile OP', kind: 'oidc', issuer: op.issuer, clientId: 'broker', clientSecret: 'a shared secret of length', scopes: ['openid', 'email'] });
    assert.equal(created.status, 201, created.body);
    const idp = created.json<{ id: string }>();
    assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idp.id}`] }] })).status, 200);
    const signIn = async () => {
      const browser = webClient(sharedRuntime.url);
      const start = await browser.get(providerLink(await browser.get(`/t/${broker.tenant.slug}/login`), 'Hostile OP'));
      const authorize = new URL(String(start.headers.location));
      const answered = await fetch(authorize, { redirect: 'manual' });
      const callback = new URL(answered.headers.get('location')!);
      return browser.get(`${callback.pathname}${callback.search}`);
    };
    const cases: Array<[Scenario, RegExp]> = [
      ['wrong-iss', /claim iss/], ['wrong-aud', /claim aud/], ['expired', /claim exp/], ['unsigned', /alg/], ['other-nonce', /claim nonce/], ['other-key', /signature|key/i],
    ];
    for (const [scenario, reason] of cases) {
      op.state.scenario = scenario;
      const res = await signIn();
      assert.equal(res.status, 401, scenario);
      assert.match(res.body, /Signing in with Hostile OP did not work/, scenario);
      const failure = (await auditEventsOf(broker.tenant.slug)).filter((e) => e.type === 'federation.failure').at(-1)!;
      assert.match(String(failure.details.reason), /^upstream_response_refused/, scenario);
      assert.match(String(failure.details.reason), reason, scenario);
    }
    assert.equal((await broker.call('GET', '/users')).json<{ items: unknown[] }>().items.length, 1, 'only the administrator');
    op.state.scenario = 'genuine';
    assert.match((await signIn()).body, /You are signed in/, 'the same provider, behaving, signs in');
  });
});

describe('provider templates (Google, Microsoft, Apple) and Apple\'s way of signing in', () => {
  test('templates fill in the issuer, scopes and mappings; Microsoft needs its directory; Apple needs its key, which is sealed', async () => {
    const broker = await adminApi();
    const google = await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'google', name: 'Google', clientId: 'x.apps.googleusercontent.com', clientSecret: 'a google client secret' });
    assert.equal(google.status, 201, google.body);
    assert.deepEqual(google.json<{ issuer: string; scopes: string[]; template: string }>().issuer, 'https://accounts.google.com');
    assert.equal((await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'microsoft', name: 'Microsoft', clientId: 'c', clientSecret: 'a microsoft secret' })).status, 400, 'no directory');
    assert.equal((await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'microsoft', directory: 'common', name: 'Microsoft', clientId: 'c', clientSecret: 'a microsoft secret' })).status, 400, 'the multi-tenant endpoint has no single issuer');
    const microsoft = await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'microsoft', directory: 'contoso.onmicrosoft.com', name: 'Contoso', clientId: 'c', clientSecret: 'a microsoft secret' });
    assert.equal(microsoft.json<{ issuer: string }>().issuer, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
    assert.equal((await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'apple', name: 'Apple', clientId: 'com.example.web' })).status, 400, 'Apple needs its key');
    const bad = await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'apple', name: 'Apple', clientId: 'com.example.web', appleKey: { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(120)}\n-----END PRIVATE KEY-----` } });
    assert.equal(bad.status, 400, 'not a key');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const apple = await broker.call('POST', '/identity-providers', { kind: 'oidc', template: 'apple', name: 'Apple', clientId: 'com.example.web', appleKey: { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: pem } });
    assert.equal(apple.status, 201, apple.body);
    const view = apple.json<{ issuer: string; responseMode: string; clientAuthentication: string; appleKey: Record<string, string> }>();
    assert.deepEqual([view.issuer, view.responseMode, view.clientAuthentication, view.appleKey], ['https://appleid.apple.com', 'form_post', 'apple_client_secret', { teamId: 'TEAM123456', keyId: 'KEY1234567' }]);
    assert.ok(!apple.body.includes('PRIVATE KEY') && !JSON.stringify(await auditEventsOf(broker.tenant.slug)).includes(pem.split('\n')[1]!), 'the key is never shown or logged');
  });

  test('Apple\'s shape against a provider that checks it: the answer by form_post, the client secret a JWT the key signs', async () => {
    const broker = await adminApi();
    const op = await hostileOp();
    const key = await generateKeyPair('ES256', { extractable: true });
    const created = await broker.call('POST', '/identity-providers', {
      kind: 'oidc', name: 'Apple-like', issuer: op.issuer, clientId: 'com.example.web', responseMode: 'form_post', clientAuthentication: 'apple_client_secret', scopes: ['openid', 'email'],
      appleKey: { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: await exportPKCS8(key.privateKey) },
    });
    assert.equal(created.status, 201, created.body);
    op.state.clientId = 'com.example.web';
    op.state.apple = { teamId: 'TEAM123456', keyId: 'KEY1234567', publicKey: key.publicKey, clientId: 'com.example.web' };
    const idp = created.json<{ id: string }>();
    assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idp.id}`] }] })).status, 200);
    const browser = webClient(sharedRuntime.url);
    const start = await browser.get(providerLink(await browser.get(`/t/${broker.tenant.slug}/login`), 'Apple-like'));
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.searchParams.get('response_mode'), 'form_post');
    const page = await (await fetch(authorize)).text();
    const fields = Object.fromEntries([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    assert.equal((await webClient(sharedRuntime.url).get(`/t/${broker.tenant.slug}/login/federated/callback?${new URLSearchParams(fields)}`)).status, 401, 'not by query when form_post was asked (and another browser)');
    const start2 = await browser.get(providerLink(await browser.get(`/t/${broker.tenant.slug}/login`), 'Apple-like'));
    const page2 = await (await fetch(new URL(String(start2.headers.location)))).text();
    const fields2 = Object.fromEntries([...page2.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const done = await browser.postForm(`/t/${broker.tenant.slug}/login/federated/callback`, fields2);
    assert.equal(done.status, 200, done.body.slice(0, 300));
    assert.match(done.body, /You are signed in/);
    assert.equal(op.state.secrets.length, 1, 'the token endpoint was called once, with a signed client secret');
  });
});
