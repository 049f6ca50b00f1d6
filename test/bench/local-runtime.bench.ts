/**
 * The local runtime (`npm start`): how long it takes to be ready, and what its gateway serves.
 *
 * (a) Start-up, spawn to "Ready in": cold (fresh data directory: tables created, keystore
 *     generated) and warm (restart on the same data directory), three runs each, median.
 * (b) Closed-loop load through the gateway (16 connections, 1 s warm-up, 5 s measured):
 *     `GET /health`, which makes real calls to every dependency on each request (DynamoDB
 *     DescribeTable for each of the four tables, the keystore, SES GetAccount); a path no route
 *     serves (404: the gateway alone, no function); and, as the ceiling, a bare `node:http`
 *     server in its own process answering the same body and headers as /health.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime, type RuntimeProcess } from '../support/runtime.ts';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';
import { against, median, type BenchResult } from './report.ts';

const startupRuns = 3;
const load = { concurrency: 16, warmupMs: 1000, durationMs: 5000, maxRequests: 500_000 } as const;

const progress = (message: string) => process.stderr.write(`  ${message}\n`);

/** Headers that belong to one connection or one message, not to the answer the bare server copies. */
const perMessageHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes listening on a loopback port (the stand-ins of one runtime), from `ss`. */
function listeners(port: number): number[] {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    return [...out.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
  } catch {
    return [];
  }
}

/**
 * Stops a runtime as Ctrl-C would. main.ts prints "Ready in" a moment before it installs its
 * SIGINT handler, so a signal sent at once can kill it outright, leaving DynamoDB Local and the
 * SES stand-in running: give it a moment first, and should it still die that way, stop the
 * stand-ins it left behind (on the two ports after its own).
 */
async function stop(runtime: RuntimeProcess): Promise<void> {
  await sleep(300);
  const code = await runtime.stop();
  if (code === 0) return;
  const port = Number(new URL(runtime.url).port);
  const orphans = [...listeners(port + 1), ...listeners(port + 2)];
  for (const pid of orphans) process.kill(pid, 'SIGTERM');
  throw new Error(`the runtime exited with ${code} when stopped${orphans.length ? ` (stopped its stand-ins ${orphans.join(', ')})` : ''}:\n${runtime.output()}`);
}

/** "Ready in N ms" as the runtime reports it: from its own first line of code, so without Node's start. */
function selfReported(runtime: RuntimeProcess): number {
  return Number(/Ready in (\d+) ms/.exec(runtime.output())?.[1] ?? Number.NaN);
}

async function startBareServer(response: { body: string; headers: Record<string, string> }): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-server.ts')], {
    env: { ...process.env, BARE_RESPONSE: JSON.stringify(response) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => Promise.reject(new Error('the bare server exited before it listened'))),
  ])) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  return { url: `http://127.0.0.1:${port}`, child };
}

async function measure(label: string, options: Omit<LoadOptions, keyof typeof load>): Promise<LoadResult> {
  progress(`load: ${label} (${load.concurrency} connections, ${load.warmupMs / 1000} s warm-up + ${load.durationMs / 1000} s)`);
  const result = await runLoad({ ...load, ...options });
  progress(`  ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`);
  return result;
}

export async function run(): Promise<BenchResult[]> {
  const dataDirs: string[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const coldSelf: number[] = [];
  const warmSelf: number[] = [];
  let runtime: RuntimeProcess | undefined;
  let bare: ChildProcess | undefined;
  try {
    // (a) Each round: a cold start on a fresh directory, then a warm restart on it.
    for (let round = 1; round <= startupRuns; round++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'idp-bench-'));
      dataDirs.push(dataDir);
      runtime = await startRuntime({ dataDir });
      cold.push(runtime.startupMs);
      coldSelf.push(selfReported(runtime));
      await stop(runtime);
      runtime = await startRuntime({ dataDir });
      warm.push(runtime.startupMs);
      warmSelf.push(selfReported(runtime));
      progress(`start-up round ${round}: cold ${Math.round(cold.at(-1)!)} ms, warm ${Math.round(warm.at(-1)!)} ms`);
      // The last warm runtime stays up for the load.
      if (round < startupRuns) await stop(runtime);
    }

    // (b) Load, on loopback only: the runtime's own port, by address rather than "localhost".
    const gateway = `http://127.0.0.1:${new URL(runtime!.url).port}`;
    const sample = await fetch(`${gateway}/health`);
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`GET /health answered ${sample.status}: ${body}`);
    const headers: Record<string, string> = {};
    sample.headers.forEach((value, name) => {
      if (!perMessageHeaders.has(name)) headers[name] = value;
    });
    const server = await startBareServer({ body, headers });
    bare = server.child;

    const health = await measure('GET /health through the gateway', { url: `${gateway}/health`, expectStatus: 200 });
    const notFound = await measure('GET /no-such-route through the gateway (404)', { url: `${gateway}/no-such-route`, expectStatus: 404 });
    const ceiling = await measure('bare node:http server, same body', { url: `${server.url}/health`, expectStatus: 200 });

    const bareRps = 'bare req/s';
    const bareP50 = 'bare p50';
    const bareP99 = 'bare p99';
    const errorsNote = (result: LoadResult) =>
      `${result.requests.toLocaleString('en-US')} requests in ${(result.elapsedMs / 1000).toFixed(1)} s, ${result.errors} errors, max ${result.maxMs.toFixed(1)} ms`;
    return [
      { name: 'start-up cold (median)', value: median(cold), unit: 'ms', samples: cold.map(Math.round), note: `spawn to "Ready in"; self-reported median ${median(coldSelf)} ms` },
      { name: 'start-up warm (median)', value: median(warm), unit: 'ms', samples: warm.map(Math.round), note: `spawn to "Ready in"; self-reported median ${median(warmSelf)} ms` },
      { ...against({ name: 'GET /health', value: health.requestsPerSecond, unit: 'req/s' }, bareRps, ceiling.requestsPerSecond), note: errorsNote(health) },
      against({ name: 'GET /health p50', value: health.p50Ms, unit: 'ms' }, bareP50, ceiling.p50Ms),
      against({ name: 'GET /health p99', value: health.p99Ms, unit: 'ms' }, bareP99, ceiling.p99Ms),
      { ...against({ name: 'gateway 404', value: notFound.requestsPerSecond, unit: 'req/s' }, bareRps, ceiling.requestsPerSecond), note: errorsNote(notFound) },
      against({ name: 'gateway 404 p50', value: notFound.p50Ms, unit: 'ms' }, bareP50, ceiling.p50Ms),
      against({ name: 'gateway 404 p99', value: notFound.p99Ms, unit: 'ms' }, bareP99, ceiling.p99Ms),
      { name: 'bare node:http', value: ceiling.requestsPerSecond, unit: 'req/s', note: errorsNote(ceiling) },
      { name: 'bare node:http p50', value: ceiling.p50Ms, unit: 'ms' },
      { name: 'bare node:http p99', value: ceiling.p99Ms, unit: 'ms' },
    ];
  } finally {
    if (bare && bare.exitCode === null) {
      bare.kill('SIGTERM');
      await once(bare, 'exit');
    }
    if (runtime) await stop(runtime).catch((error: unknown) => progress(String(error)));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}
