import * as oidc from 'openid-client';
import type { SignedUpTenant } from './signup.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient } from './web-client.ts';

export const insecure = { execute: [oidc.allowInsecureRequests] };
export const callbackUri = 'http://127.0.0.1:9/callback';

/** An admin access token of the tenant, from its management client (client credentials). */
export async function adminToken(tenant: SignedUpTenant): Promise<string> {
  const config = await oidc.discovery(new URL(tenant.issuer), tenant.clientId, tenant.clientSecret, undefined, insecure);
  return (await oidc.clientCredentialsGrant(config, { scope: 'admin' })).access_token;
}

/** Registers an application through Dynamic Client Registration with the admin token. */
export async function registerClient(tenant: SignedUpTenant, metadata: Record<string, unknown> = {}): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>> {
  const res = await webClient(sharedRuntime.url).postJson(
    `/t/${tenant.slug}/oauth2/register`,
    { client_name: 'Test app', redirect_uris: [callbackUri], grant_types: ['authorization_code', 'refresh_token'], first_party: true, ...metadata },
    { authorization: `Bearer ${await adminToken(tenant)}` },
  );
  if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${res.body}`);
  return res.json();
}

/**
 * Follows an authorization request as a browser would: to the hosted login, the form posted
 * with the user's credentials, back through /authorize/resume, up to the redirect to the
 * client, whose URL is returned (the client's own server is never contacted).
 */
export async function signInThrough(url: URL, user: { email: string; password: string }, browser: WebClient = webClient(sharedRuntime.url)): Promise<URL> {
  let res = await browser.get(`${url.pathname}${url.search}`);
  for (let hops = 0; hops < 6; hops++) {
    if (res.status === 200 && /name="csrf"/.test(res.body) && /name="password"/.test(res.body)) {
      const tx = /name="tx" value="([^"]+)"/.exec(res.body)?.[1];
      const action = /<form method="post" action="([^"]+)"/.exec(res.body)![1]!;
      res = await browser.postForm(action, { csrf: csrfTokenOf(res.body), identifier: user.email, password: user.password, ...(tx ? { tx } : {}) });
      continue;
    }
    if (res.status !== 303) throw new Error(`unexpected ${res.status} while signing in: ${res.body.slice(0, 300)}`);
    const location = new URL(String(res.headers.location), sharedRuntime.url);
    if (location.origin !== new URL(sharedRuntime.url).origin) return location;
    res = await browser.get(`${location.pathname}${location.search}`);
  }
  throw new Error('too many redirects while signing in');
}
