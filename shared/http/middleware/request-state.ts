import { randomBytes } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent, HttpResponse } from '../request.ts';

const correlationIdPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/** Opens the request's state: correlation id (the caller's if well-formed), CSP nonce, client. */
export function requestState(): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: (request) => {
      const { event } = request;
      const offered = event.headers?.['x-correlation-id'];
      event.state = {
        correlationId: offered && correlationIdPattern.test(offered) ? offered : event.requestContext.requestId,
        nonce: randomBytes(16).toString('base64'),
        clientIp: event.requestContext.http.sourceIp,
        userAgent: event.requestContext.http.userAgent ?? '',
        body: { kind: 'none' },
      };
    },
  };
}
