import { addressAllowed } from './guarded-post.ts';

/**
 * What is wrong with a URL a tenant configures for the platform to call (a SIEM sink, an upstream
 * identity provider), checked when it is saved: https (http only to loopback, in the local
 * runtime), no credentials in it, never a literal internal address. Names that resolve inside
 * are refused again at every connection.
 */
export function destinationProblem(value: string): string | undefined {
  const url = new URL(value);
  const allowLoopback = process.env.OUTBOUND_ALLOW_LOOPBACK === 'true';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isLoopbackName = host === 'localhost' || /^127\./.test(host) || host === '::1';
  if (url.username || url.password) return 'credentials in the URL are not accepted';
  if (url.protocol !== 'https:' && !(allowLoopback && isLoopbackName)) return 'must be an https URL';
  if (isLoopbackName ? !allowLoopback : /^[\d.]+$|:/.test(host) && !addressAllowed(host, allowLoopback)) return 'names an internal address';
  return undefined;
}
