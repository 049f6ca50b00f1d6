import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../../infra/local/lambda-context.ts';

export interface EventOptions {
  readonly routeKey: string;
  readonly path?: string;
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
  readonly pathParameters?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, for driving a handler without the gateway. */
export function httpEvent(options: EventOptions): APIGatewayProxyEventV2 {
  const [method, routePath] = options.routeKey.split(' ') as [string, string];
  const path = options.path ?? routePath;
  const headers = { 'user-agent': 'node-test', ...options.headers };
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: path,
    rawQueryString: options.query ?? '',
    ...(options.cookies ? { cookies: options.cookies } : {}),
    headers,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: 'test', apiId: 'test', domainName: 'localhost', domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] },
      requestId: randomUUID(), routeKey: options.routeKey, stage: '$default', time: new Date().toUTCString(), timeEpoch: Date.now(),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

export const testContext = (name = 'test') => lambdaContext(name, 10, 1024);
