/**
 * A small closed-loop HTTP load generator: `concurrency` workers, each with one request in
 * flight on a keep-alive connection, sending the next as soon as the last one is answered.
 * Bounded three ways: a warm-up and a measuring window of fixed length, and a maximum
 * number of requests. It only ever talks to a loopback address.
 */
import { Agent, request } from 'node:http';
import { percentile } from './report.ts';

export interface LoadOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Upper bound on requests measured (warm-up requests are bounded by the same number). */
  readonly maxRequests: number;
  readonly expectStatus: number;
  readonly timeoutMs?: number;
}

export interface LoadResult {
  /** Requests started inside the measuring window and answered. */
  readonly requests: number;
  /** Answered with another status than expected, or failed. */
  readonly errors: number;
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

function get(agent: Agent, url: URL, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  if (!loopbackHosts.has(url.hostname) || url.protocol !== 'http:') throw new Error(`load is only sent to loopback http addresses, not ${options.url}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const latencies = new Float64Array(options.maxRequests);
  let measured = 0;
  let errors = 0;
  let warmups = 0;
  let lastError: unknown;

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;

  const worker = async () => {
    for (;;) {
      const sent = performance.now();
      const inWindow = sent >= measureFrom;
      if (sent >= measureUntil || (inWindow ? measured : warmups) >= options.maxRequests) return;
      if (inWindow) measured++;
      else warmups++;
      const slot = inWindow ? measured - 1 : -1;
      try {
        const status = await get(agent, url, timeoutMs);
        if (status !== options.expectStatus) {
          errors += inWindow ? 1 : 0;
          lastError = `status ${status}`;
        }
      } catch (error) {
        errors += inWindow ? 1 : 0;
        lastError = error;
      }
      if (slot >= 0) latencies[slot] = performance.now() - sent;
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = performance.now() - measureFrom;
  if (measured === 0) throw new Error(`no request to ${options.url} was measured`);
  if (errors === measured) throw new Error(`every request to ${options.url} failed; last: ${String(lastError)}`);
  const answered = latencies.subarray(0, measured);
  return {
    requests: measured,
    errors,
    elapsedMs,
    requestsPerSecond: (measured / elapsedMs) * 1000,
    p50Ms: percentile(answered, 50),
    p99Ms: percentile(answered, 99),
    maxMs: percentile(answered, 100),
  };
}
