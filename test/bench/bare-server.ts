/**
 * The reference for the gateway benchmarks: a bare `node:http` server, in its own process as
 * the gateway is, answering every request with the body and headers given in BARE_RESPONSE.
 * It prints its port as one JSON line once it listens, and stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const { body, headers } = JSON.parse(process.env.BARE_RESPONSE ?? '{"body":"{}","headers":{}}') as { body: string; headers: Record<string, string> };
const payload = Buffer.from(body);
const server = createServer((_req, res) => {
  res.writeHead(200, { ...headers, 'content-length': String(payload.length) });
  res.end(payload);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
