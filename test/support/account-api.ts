import assert from 'node:assert/strict';
import type { AdminApi } from './admin-api.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { csrfTokenOf, webClient, type WebClient, type WebResponse } from './web-client.ts';

/** A browser signed in at the tenant with a password (the default flow has no second step); the administrator unless someone else is given. */
export async function signedInBrowser(api: AdminApi, who = { email: api.tenant.adminEmail, password: api.tenant.adminPassword }, browser = webClient(sharedRuntime.url)): Promise<WebClient> {
  const page = await browser.get(`/t/${api.tenant.slug}/login`);
  const res = await browser.postForm(`/t/${api.tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: who.email, password: who.password });
  assert.equal(res.status, 200, res.body.slice(0, 300));
  return browser;
}

export const siteOrigin = () => new URL(sharedRuntime.url).origin;

/** A JSON call to the account API as the account pages make it (same origin), or with the headers given instead. */
export const accountCall = (browser: WebClient, method: string, path: string, body?: unknown, headers: Record<string, string> = { origin: siteOrigin() }): Promise<WebResponse> =>
  browser.send(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
