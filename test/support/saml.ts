import { createPrivateKey } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { generateKeyMaterial } from '../../shared/domain/keys/key-material.ts';
import type { AdminApi } from './admin-api.ts';
import { csrfTokenOf, type WebClient, type WebResponse } from './web-client.ts';
import { sharedRuntime } from './shared-runtime.ts';

/** An SP's own key pair and self-signed certificate (RSA-2048, SHA-256), as an SP would have. */
export async function spCredentials(commonName: string): Promise<{ privateKeyPem: string; certificatePem: string; certificate: string }> {
  const material = await generateKeyMaterial('RS256', { commonName, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
  const privateKeyPem = createPrivateKey({ key: Buffer.from(material.privateKeyPkcs8), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKeyPem, certificatePem: material.certificatePem!, certificate: material.certificatePem!.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '') };
}

/** Registers an SP through the admin API; answers its stored view. */
export async function registerServiceProvider(api: AdminApi, input: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }> {
  const res = await api.call('POST', '/saml-service-providers', input);
  assert.equal(res.status, 201, res.body);
  return res.json() as Record<string, unknown> & { id: string };
}

/** The IdP's signing certificate as its metadata publishes it. */
export async function idpCertificate(browser: WebClient, slug: string): Promise<string> {
  const metadata = (await browser.get(`/t/${slug}/saml2/metadata`)).body;
  return /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(metadata)![1]!;
}

/** The fields of an auto-posting form page (HTTP-POST binding), and where it posts. */
export function autoPostForm(res: WebResponse): { action: string; fields: Record<string, string> } {
  assert.equal(res.status, 200, `expected an auto-post page, got ${res.status}: ${res.body.slice(0, 300)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(res.body)?.[1];
  assert.ok(action, `no form in: ${res.body.slice(0, 300)}`);
  const fields = Object.fromEntries([...res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
  return { action: unescapeHtml(action), fields };
}

const unescapeHtml = (value: string) => value.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]!);

/**
 * Follows a SAML exchange as a browser: from a request to the IdP through the hosted login (signing
 * in when asked) to the page that posts the answer to the SP, whose form is returned.
 */
export async function followToSp(browser: WebClient, first: () => Promise<WebResponse>, user?: { email: string; password: string }): Promise<{ action: string; fields: Record<string, string> }> {
  let res = await first();
  for (let hops = 0; hops < 8; hops++) {
    if (res.status === 200 && /name="password"/.test(res.body) && user) {
      const tx = /name="tx" value="([^"]+)"/.exec(res.body)?.[1];
      const action = /<form method="post" action="([^"]+)"/.exec(res.body)![1]!;
      res = await browser.postForm(action, { csrf: csrfTokenOf(res.body), identifier: user.email, password: user.password, ...(tx ? { tx } : {}) });
      continue;
    }
    if (res.status !== 303) return autoPostForm(res);
    const location = new URL(String(res.headers.location), sharedRuntime.url);
    res = await browser.get(`${location.pathname}${location.search}`);
  }
  throw new Error('too many redirects in the SAML exchange');
}

/** The XML of a base64 (POST binding) message. */
export const decodePosted = (value: string) => Buffer.from(value, 'base64').toString('utf8');
/** The XML of a Redirect binding URL's message. */
export const decodeRedirected = (url: URL, parameter = 'SAMLRequest') => inflateRawSync(Buffer.from(url.searchParams.get(parameter)!, 'base64')).toString('utf8');
/** The Redirect binding encoding of a message (unsigned). */
export const encodeRedirect = (xml: string) => deflateRawSync(Buffer.from(xml)).toString('base64');

/** The IdP's front-channel logout page as a browser sees it: one frame per participant, and where the page goes when they are done. */
export function logoutPage(res: WebResponse): { frames: string[]; finish: string; legs: number } {
  assert.equal(res.status, 200, `expected the logout page, got ${res.status}: ${res.body.slice(0, 300)}`);
  const frames = [...res.body.matchAll(/<iframe src="([^"]+)"/g)].map((m) => unescapeHtml(m[1]!));
  const finish = /data-finish="([^"]+)"/.exec(res.body)?.[1];
  assert.ok(finish, 'the page names where it goes next');
  return { frames, finish: unescapeHtml(finish), legs: Number(/data-legs="(\d+)"/.exec(res.body)?.[1]) };
}

/** What a frame reported to the logout page once its participant answered (undefined: nothing to report). */
export function frameReport(res: WebResponse): { logout: string; leg: number; outcome: string } | undefined {
  assert.equal(res.status, 200, `expected the frame's last page, got ${res.status}: ${res.body.slice(0, 300)}`);
  const m = /<p id="leg" data-logout="([^"]+)" data-leg="(\d+)" data-outcome="(\w+)"/.exec(res.body);
  return m ? { logout: m[1]!, leg: Number(m[2]), outcome: m[3]! } : undefined;
}
