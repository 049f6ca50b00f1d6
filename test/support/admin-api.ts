import * as oidc from 'openid-client';
import { insecure } from './oidc-flows.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { signUpTenant, type SignedUpTenant } from './signup.ts';
import { webClient, type WebResponse } from './web-client.ts';

/** The management client's token from openid-client's client-credentials grant, as an automation would get it. */
export async function managementToken(tenant: SignedUpTenant, scope = 'admin'): Promise<string> {
  const config = await oidc.discovery(new URL(tenant.issuer), tenant.clientId, tenant.clientSecret, undefined, insecure);
  return (await oidc.clientCredentialsGrant(config, { scope })).access_token;
}

export interface AdminApi {
  readonly tenant: SignedUpTenant;
  /** A JSON request to /t/{tenant}/api/v1{path} with the management token. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<WebResponse>;
  /** The same with a body sent as it is. */
  raw(method: string, path: string, body: string, contentType: string): Promise<WebResponse>;
}

/** The admin API of a tenant (a new one unless given), called with a management token of the given scope. */
export async function adminApi(tenant?: SignedUpTenant, scope = 'admin'): Promise<AdminApi> {
  const t = tenant ?? (await signUpTenant());
  const token = await managementToken(t, scope);
  const http = webClient(sharedRuntime.url);
  const path = (p: string) => `/t/${t.slug}/api/v1${p}`;
  return {
    tenant: t,
    call: (method, p, body, headers = {}) =>
      http.send(method, path(p), body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }),
    raw: (method, p, body, contentType) => http.send(method, path(p), body, { authorization: `Bearer ${token}`, 'content-type': contentType }),
  };
}
