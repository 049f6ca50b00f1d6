import type { AuthorizationRequest } from '../../../shared/domain/oauth/authorization.ts';

/**
 * An error the client may hear about: raised only after the client and its redirect URI
 * were verified, so it goes back to that URI (RFC 6749 §4.1.2.1), with state and iss.
 */
export class RedirectableError extends Error {
  override name = 'RedirectableError';
  readonly error: string;
  readonly target: Pick<AuthorizationRequest, 'redirectUri' | 'responseMode' | 'state'>;

  constructor(error: string, description: string, target: Pick<AuthorizationRequest, 'redirectUri' | 'responseMode' | 'state'>) {
    super(description);
    this.error = error;
    this.target = target;
  }
}
