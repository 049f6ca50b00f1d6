const loopbackHosts = new Set(['127.0.0.1', '[::1]']);

/**
 * Exact redirect URI matching (RFC 9700 §4.1.3), with the one exception RFC 8252 §7.3 makes
 * for native apps: a loopback IP redirect may use any port. Nothing else varies: not case,
 * not path, not query, not userinfo; fragments are never allowed.
 */
export function matchesRegisteredRedirect(requested: string, registered: readonly string[], allowLoopbackPort: boolean): boolean {
  if (registered.includes(requested)) return true;
  if (!allowLoopbackPort) return false;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  if (asked.protocol !== 'http:' || !loopbackHosts.has(asked.hostname) || asked.username || asked.password || asked.hash) return false;
  return registered.some((uri) => {
    const known = new URL(uri);
    return known.protocol === 'http:' && known.hostname === asked.hostname && known.pathname === asked.pathname && known.search === asked.search && asked.href === `${asked.protocol}//${asked.host}${known.pathname}${known.search}`;
  });
}

/** Whether a URI may be registered as a redirect: https, or http on a loopback IP (native apps); no fragment, no userinfo. */
export function isRegistrableRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash || uri.includes('#') || url.username || url.password || uri.length > 2000) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (loopbackHosts.has(url.hostname) || url.hostname === 'localhost');
}
