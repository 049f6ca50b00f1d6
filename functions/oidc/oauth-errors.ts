import { OAuthError } from '../../shared/domain/oauth/errors.ts';
import { pageOrProblem } from '../../shared/http/error-renderers.ts';
import type { HttpError } from '../../shared/http/errors.ts';
import type { ErrorRenderer } from '../../shared/http/middleware/error-mapping.ts';
import { json } from '../../shared/http/responses.ts';

/** Pages and discovery fail as pages or problem details; the OAuth endpoints in OAuth's JSON. */
const oauthJsonRoutes = /\/oauth2\/(token|register(\/[^/]*)?|userinfo|introspect|revoke|par)$/;

const codeFor = (error: HttpError) => (error.status === 429 ? 'too_many_requests' : error.status >= 500 ? 'server_error' : 'invalid_request');

/** RFC 6749 §5.2 and RFC 6750 §3: `{error, error_description}`, with WWW-Authenticate where the spec asks. */
export const renderOidcError: ErrorRenderer = (error, event, state) => {
  const oauth = error.cause instanceof OAuthError ? error.cause : undefined;
  if (!oauthJsonRoutes.test(event.rawPath ?? '')) return pageOrProblem(error, event, state);
  const code = oauth?.error ?? (error.status === 503 ? 'temporarily_unavailable' : codeFor(error));
  const headers: Record<string, string> = {};
  if (code === 'invalid_client' && /^Basic /i.test(event.headers?.authorization ?? '')) headers['www-authenticate'] = 'Basic realm="token", charset="UTF-8"';
  if (code === 'invalid_token' || code === 'insufficient_scope') headers['www-authenticate'] = `Bearer error="${code}", error_description="${(oauth?.message ?? '').replace(/"/g, "'")}"`;
  return json(error.status, { error: code, error_description: error.message }, headers);
};
