import { invalidScope } from '../../../shared/domain/oauth/errors.ts';

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** The `scope` parameter as a list (RFC 6749 §3.3), undefined when absent; malformed tokens refused. */
export function requestedScopes(params: URLSearchParams): string[] | undefined {
  const raw = params.get('scope');
  if (raw === null) return undefined;
  const scopes = [...new Set(raw.split(' ').filter(Boolean))];
  if (scopes.length === 0 || scopes.length > 50 || scopes.some((s) => !scopeToken.test(s))) throw invalidScope('The scope parameter is malformed');
  return scopes;
}
