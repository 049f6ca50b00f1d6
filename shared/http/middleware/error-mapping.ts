import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { SigningKeysUnavailable } from '../../domain/keys/key-service.ts';
import { OAuthError } from '../../domain/oauth/errors.ts';
import { KeyServiceUnavailable } from '../../domain/ports/key-vault.ts';
import { HttpError, serviceUnavailable } from '../errors.ts';
import type { HttpEvent, HttpResponse, RequestState } from '../request.ts';

export type ErrorRenderer = (error: HttpError, event: HttpEvent, state: RequestState) => HttpResponse;

const transientAwsErrors = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded',
  'InternalServerError', 'ServiceUnavailable', 'TimeoutError', 'KMSInternalException',
  'DependencyTimeoutException', 'LimitExceededException', 'TooManyRequestsException',
]);

function isUnavailable(error: unknown): boolean {
  if (error instanceof KeyServiceUnavailable || error instanceof SigningKeysUnavailable) return true;
  const e = error as { name?: string; code?: string; $metadata?: unknown } | undefined;
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ECONNRESET' || e?.code === 'ETIMEDOUT') return true;
  return e?.$metadata !== undefined && transientAwsErrors.has(e.name ?? '');
}

/** Any error, known or not, as an HttpError: nothing internal reaches the wire. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof OAuthError) return new HttpError(error.status, error.error, error.message, { cause: error });
  if (isUnavailable(error)) return serviceUnavailable(undefined, error);
  return new HttpError(500, 'server_error', 'Something went wrong on our side', { cause: error });
}

/** Turns every error into the function's own wire form (OAuth JSON, SAML status, problem JSON, page). */
export function errorMapping(render: ErrorRenderer, logger: Logger): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    onError: (request) => {
      const error = toHttpError(request.error);
      if (error.status >= 500) logger.error('request failed', { code: error.code, error: error.cause ?? error });
      else logger.info('request refused', { status: error.status, code: error.code });
      const state = request.event.state ?? {
        correlationId: request.event.requestContext?.requestId ?? 'unknown',
        nonce: 'none',
        clientIp: '',
        userAgent: '',
        body: { kind: 'none' as const },
      };
      const response = render(error, request.event, state);
      response.headers = { ...response.headers, ...error.headers };
      request.response = response;
    },
  };
}
