/**
 * An error that knows its HTTP status and a short machine-readable code. Each function
 * turns it into its protocol's wire form in one place (see error-mapping.ts).
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra members for the problem-details body, e.g. field errors. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, code: string, message: string, options: { headers?: Record<string, string>; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new HttpError(400, code, message);
export const notFound = (message = 'Not found', code = 'not_found') => new HttpError(404, code, message);
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `The request body is larger than ${limit} bytes`);
export const serviceUnavailable = (message = 'The service is temporarily unavailable', cause?: unknown) =>
  new HttpError(503, 'temporarily_unavailable', message, { headers: { 'retry-after': '5' }, cause });
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(429, 'too_many_requests', 'Too many requests. Wait a moment and try again.', { headers: { 'retry-after': String(retryAfterSeconds) } });
