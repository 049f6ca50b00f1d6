import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

export interface WebResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A random loopback address per client (127.0.0.0/8 has 16 million), so per-address rate
 * limits see separate clients, across test files and runs sharing one runtime.
 */
export const freshLoopbackAddress = () => {
  const [a, b, c] = randomBytes(3);
  return `127.${1 + (a! % 254)}.${b}.${1 + (c! % 254)}`;
};

/**
 * A small HTTP client with a cookie jar, for driving the hosted pages as a browser would,
 * from its own loopback address. Cookies are kept by name and path.
 */
export function webClient(baseUrl: string, options: { localAddress?: string } = {}) {
  const cookies = new Map<string, { name: string; value: string; path: string }>();
  /** Looks a cookie up by name (the first stored under any path). */
  const jar = {
    get: (name: string) => [...cookies.values()].find((c) => c.name === name),
    has: (name: string) => [...cookies.values()].some((c) => c.name === name),
  };
  const localAddress = options.localAddress ?? freshLoopbackAddress();

  function cookieHeader(path: string): string | undefined {
    // As a browser does: cookies of the same name under different paths are different cookies, the longer path first.
    const pairs = [...cookies.values()].filter((c) => path.startsWith(c.path)).sort((a, b) => b.path.length - a.path.length).map((c) => `${c.name}=${c.value}`);
    return pairs.length ? pairs.join('; ') : undefined;
  }

  function remember(setCookie: string[] | undefined) {
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => a.toLowerCase() === 'max-age=0');
      if (expired || value === '') cookies.delete(`${name}\n${path}`);
      else cookies.set(`${name}\n${path}`, { name, value, path });
    }
  }

  function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<WebResponse> {
    const url = new URL(path, baseUrl);
    const cookie = cookieHeader(url.pathname);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, localAddress, headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => {
            remember(res.headers['set-cookie']);
            resolve({ status: res.statusCode!, headers: res.headers, body: data, json: <T>() => JSON.parse(data) as T });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    localAddress,
    jar,
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    postForm: (path: string, fields: Record<string, string>, headers?: Record<string, string>) =>
      send('POST', path, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers }),
    postJson: (path: string, value: unknown, headers?: Record<string, string>) =>
      send('POST', path, typeof value === 'string' ? value : JSON.stringify(value), { 'content-type': 'application/json', ...headers }),
    send,
  };
}

export type WebClient = ReturnType<typeof webClient>;

/** The CSRF token a page's form carries. */
export function csrfTokenOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the page has no CSRF token');
  return match[1]!;
}
