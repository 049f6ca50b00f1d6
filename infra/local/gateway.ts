import { createWriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Route } from '../routes.ts';
import { toApiGatewayEvent } from './api-gateway-event.ts';
import type { FunctionHost } from './function-host.ts';
import { createRouteMatcher } from './route-matcher.ts';

/** API Gateway's own limit on a request payload. */
const maxPayloadBytes = 10 * 1024 * 1024;

/** The body, or undefined when it is over the limit (read to its end either way, so the client sees the answer). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxPayloadBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxPayloadBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

const gatewayMessage = (statusCode: number, message: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/**
 * The local twin of the HTTP API: matches the route table, turns each request into the
 * payload-2.0 event API Gateway would send, invokes the function, and writes an access
 * log line per request in the stage's access-log format.
 */
export function createGateway(routes: readonly Route[], host: FunctionHost, accessLog: string): Server {
  const match = createRouteMatcher(routes);
  // One append stream keeps the lines whole and in the order requests finished.
  const log = createWriteStream(accessLog, { flags: 'a' });
  const server = createServer(async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const route = match(method, url.pathname);
    let result: APIGatewayProxyStructuredResultV2;
    let requestId = '-';
    try {
      const body = await readBody(req);
      if (!route) result = gatewayMessage(404, 'Not Found');
      else if (body === undefined) result = gatewayMessage(413, 'Request Entity Too Large');
      else {
        const event = toApiGatewayEvent(req, url, body, route);
        requestId = event.requestContext.requestId;
        result = (await host.invoke(route.route.functionName, event)) as APIGatewayProxyStructuredResultV2;
      }
    } catch (error) {
      // What API Gateway answers when the integration fails: the function's error stays in its log.
      console.error(`[gateway] ${method} ${url.pathname}:`, error);
      result = gatewayMessage(500, 'Internal Server Error');
    }
    send(res, result);
    const line = {
      requestId,
      ip: req.socket.remoteAddress,
      requestTime: new Date().toISOString(),
      httpMethod: method,
      routeKey: route?.route.routeKey ?? '-',
      path: url.pathname,
      status: result.statusCode,
      responseLatency: Math.round(performance.now() - started),
      userAgent: req.headers['user-agent'] ?? '-',
    };
    log.write(`${JSON.stringify(line)}\n`);
  });
  server.on('close', () => log.end());
  return server;
}
