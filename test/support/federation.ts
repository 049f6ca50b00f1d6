import assert from 'node:assert/strict';
import { adminApi } from './admin-api.ts';
import { registerClient } from './oidc-flows.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { autoPostForm } from './saml.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from './web-client.ts';

export interface Person {
  readonly email: string;
  readonly password: string;
}

const isAutoPost = (res: WebResponse) => res.status === 200 && /document\.forms\[0\]\.submit\(\)/.test(res.body);
const isPasswordForm = (res: WebResponse) => res.status === 200 && /name="password"/.test(res.body) && /<form method="post" action="\/t\/[^/]+\/login">/.test(res.body) && /name="tx"/.test(res.body);

/**
 * A browser through a brokered sign-in: follows redirects and auto-posting pages (SAML HTTP-POST,
 * form_post) within the runtime, signs in at the upstream when its password form comes, and stops
 * at the first other page or at a redirect that leaves the runtime (an application's callback).
 */
export async function browse(browser: WebClient, first: WebResponse, who?: Person): Promise<{ res: WebResponse; leftTo?: URL; posted: Array<{ action: string; fields: Record<string, string> }> }> {
  const posted: Array<{ action: string; fields: Record<string, string> }> = [];
  let res = first;
  for (let hops = 0; hops < 16; hops++) {
    if (who && isPasswordForm(res)) {
      const action = /<form method="post" action="([^"]+)"/.exec(res.body)![1]!;
      res = await browser.postForm(action, { csrf: csrfTokenOf(res.body), identifier: who.email, password: who.password, tx: /name="tx" value="([^"]+)"/.exec(res.body)![1]! });
      continue;
    }
    if (isAutoPost(res)) {
      const form = autoPostForm(res);
      const target = new URL(form.action, sharedRuntime.url);
      if (target.origin !== new URL(sharedRuntime.url).origin) return { res, posted };
      posted.push(form);
      res = await browser.postForm(`${target.pathname}${target.search}`, form.fields);
      continue;
    }
    if (res.status !== 303 && res.status !== 302) return { res, posted };
    const location = new URL(String(res.headers.location), sharedRuntime.url);
    if (location.origin !== new URL(sharedRuntime.url).origin) return { res, leftTo: location, posted };
    res = await browser.get(`${location.pathname}${location.search}`);
  }
  throw new Error('too many hops');
}

/** The "Continue with {name}" link of a login page. */
export function providerLink(page: WebResponse, name: string): string {
  const link = new RegExp(`<a class="button" href="([^"]+)">Continue with ${name}</a>`).exec(page.body)?.[1];
  if (!link) throw new Error(`the login page does not offer ${name}: ${page.body.slice(0, 300)}`);
  return link.replace(/&amp;/g, '&');
}

/** From a tenant's login page, "Continue with {name}", through the upstream's sign-in, back. */
export async function signInThroughProvider(slug: string, name: string, who: Person, browser = webClient(sharedRuntime.url)) {
  const page = await browser.get(`/t/${slug}/login`);
  const outcome = await browse(browser, await browser.get(providerLink(page, name)), who);
  return { browser, ...outcome };
}

/**
 * Two tenants of the platform: the upstream one is a real OpenID Provider the broker tenant
 * federates to (its discovery, JWKS, authorization and token endpoints), so the whole exchange
 * runs as it would against any other provider.
 */
export async function oidcUpstream(provisioning: 'create' | 'link_verified_email' | 'link_after_local_sign_in' | 'existing_only' = 'create', options: { email?: string } = {}) {
  const [broker, upstream] = await Promise.all([adminApi(), adminApi()]);
  const brokerUrl = `${sharedRuntime.url}/t/${broker.tenant.slug}`;
  // The provider first (its id names the back-channel logout URI), then the broker's client at the upstream, then its credentials.
  const draft = await broker.call('POST', '/identity-providers', { name: 'Upstream Corp', kind: 'oidc', issuer: upstream.tenant.issuer, clientId: 'pending', clientAuthentication: 'none', provisioning });
  assert.equal(draft.status, 201, draft.body);
  const idpId = draft.json<{ id: string }>().id;
  const client = await registerClient(upstream.tenant, {
    client_name: 'Broker', redirect_uris: [`${brokerUrl}/login/federated/callback`], first_party: true, grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic',
    backchannel_logout_uri: `${brokerUrl}/login/federated/${idpId}/backchannel-logout`, post_logout_redirect_uris: [`${brokerUrl}/login/federated/logged-out`],
  });
  const person = { email: options.email ?? `bob-${upstream.tenant.slug}@example.com`, password: 'an unrelated long passphrase 9' };
  assert.equal((await upstream.call('POST', '/users', { emails: [{ value: person.email, verified: true }], name: { givenName: 'Bob', familyName: 'Upstream' }, password: person.password })).status, 201);
  const created = await broker.call('PUT', `/identity-providers/${idpId}`, { name: 'Upstream Corp', kind: 'oidc', issuer: upstream.tenant.issuer, clientId: client.client_id, clientSecret: client.client_secret, provisioning }, { 'if-match': String(draft.headers.etag) });
  assert.equal(created.status, 200, created.body);
  const idp = created.json<{ id: string; hasClientSecret: boolean; clientSecret?: string }>();
  assert.equal((await broker.call('PUT', '/flows/default', { steps: [{ options: ['password', `federated:${idp.id}`] }] })).status, 200);
  return { broker, upstream, idp, person, clientSecret: client.client_secret! };
}

