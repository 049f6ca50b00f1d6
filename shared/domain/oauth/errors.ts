/**
 * An OAuth 2 / OpenID Connect protocol error (RFC 6749 §5.2, §4.1.2.1; OIDC Core §3.1.2.6).
 * The oidc function turns it into the wire form its endpoint needs: JSON, a redirect to the
 * client, or an error page when the redirect URI cannot be trusted.
 */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly error: string;
  readonly status: number;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description);
export const invalidClient = (description = 'Client authentication failed') => new OAuthError('invalid_client', description, 401);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description);
export const unsupportedGrantType = (grant: string) => new OAuthError('unsupported_grant_type', `The grant type ${grant} is not supported`);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const invalidToken = (description = 'The access token is invalid or expired') => new OAuthError('invalid_token', description, 401);
