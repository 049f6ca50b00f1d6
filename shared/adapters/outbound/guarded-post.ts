import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * POSTs to a URL a tenant configured (SIEM webhooks), without letting that URL reach inside the
 * platform's network (SSRF): the address the connection actually uses is checked, so a name that
 * resolves to a private, link-local (instance metadata) or loopback address is refused even if it
 * changes between validation and connection (DNS rebinding). Loopback is allowed only for the
 * local runtime, where the listeners are on 127.0.0.1.
 */
const internal = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) internal.addSubnet(network, prefix, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

/** Whether an address may be connected to; IPv4-mapped IPv6 addresses are judged as IPv4. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(ip, family)) return allowLoopback;
  return !internal.check(ip, family);
}

const guardedLookup = (allowLoopback: boolean): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const allowed = addresses.filter((a) => addressAllowed(a.address, allowLoopback));
    if (allowed.length === 0) return callback(new DestinationRefused(`${hostname} resolves only to addresses the platform does not post to`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};

const maxAnswerBytes = 64 * 1024;

export interface GuardedPostOptions {
  readonly allowLoopback: boolean;
  readonly timeoutMs?: number;
}

interface GuardedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One request: the status, headers and the answer's first `maxBytes` (redirects are not followed); refuses internal destinations. */
export function guardedRequest(request: GuardedRequest, options: GuardedPostOptions & { maxBytes?: number }): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const target = new URL(request.url);
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && options.allowLoopback)) return Promise.reject(new DestinationRefused('only https destinations'));
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !addressAllowed(literal, options.allowLoopback)) return Promise.reject(new DestinationRefused(`${literal} is not a destination the platform calls`));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const limit = options.maxBytes ?? maxAnswerBytes;
  const requestOptions: RequestOptions = {
    method: request.method,
    headers: { ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
    lookup: guardedLookup(options.allowLoopback),
    timeout: options.timeoutMs ?? 5000,
  };
  return new Promise((resolve, reject) => {
    const req = send(target, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < limit) chunks.push(chunk.subarray(0, limit - size));
        size += chunk.length;
      });
      const headers = Object.fromEntries(Object.entries(res.headers).filter(([, v]) => typeof v === 'string') as Array<[string, string]>);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('the destination did not answer in time')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** One POST: resolves to the status code and the answer's first 64 KB (redirects are not followed); refuses internal destinations. */
export async function guardedPost(url: string, headers: Record<string, string>, body: string, options: GuardedPostOptions): Promise<{ status: number; body: string }> {
  const { status, body: answer } = await guardedRequest({ method: 'POST', url, headers, body }, options);
  return { status, body: answer };
}

/**
 * A `fetch` for libraries that call URLs a tenant configured (openid-client talking to an
 * upstream identity provider): the same guard, answers up to 256 KB, no redirects followed.
 */
export function guardedFetch(options: GuardedPostOptions) {
  return async (url: string, init: { method?: string; headers?: Record<string, string> | Headers; body?: unknown } = {}): Promise<Response> => {
    const headers: Record<string, string> = init.headers instanceof Headers ? Object.fromEntries(init.headers.entries()) : { ...(init.headers ?? {}) };
    const body = init.body === undefined || init.body === null ? undefined : init.body instanceof URLSearchParams ? init.body.toString() : String(init.body);
    if (init.body instanceof URLSearchParams && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
    const method = init.method === 'POST' ? 'POST' : 'GET';
    const answer = await guardedRequest({ method, url, headers, ...(body !== undefined ? { body } : {}) }, { ...options, maxBytes: 256 * 1024 });
    return new Response(answer.status === 204 || answer.status === 304 ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}
