import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface SiemListener {
  readonly url: string;
  readonly received: Array<{ headers: Record<string, string | string[] | undefined>; body: unknown; raw: string }>;
  /** Answer the next n requests with this status instead of 200. */
  failNext(n: number, status?: number): void;
  /** Failures still to answer. */
  failuresLeft(): number;
  waitFor(predicate: (bodies: unknown[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP listener standing in for a tenant's SIEM (Splunk HEC or a webhook). */
export async function startSiemListener(): Promise<SiemListener> {
  const received: SiemListener['received'] = [];
  let failures = 0;
  let failStatus = 503;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(data), raw: data });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/collector/event`,
    received,
    failuresLeft: () => failures,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received.map((r) => r.body))) {
        if (Date.now() > deadline) throw new Error(`SIEM listener did not receive the expected events; got ${JSON.stringify(received.map((r) => r.body))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
