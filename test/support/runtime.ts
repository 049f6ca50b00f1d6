import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePortTriple } from './free-port.ts';

const root = resolve(import.meta.dirname, '../..');

export interface RuntimeProcess {
  readonly url: string;
  readonly sesUrl: string;
  readonly dynamodbEndpoint: string;
  readonly dataDir: string;
  /** The runtime's own process (its functions, gateway and audit pipeline); DynamoDB Local and the SES stand-in are its children. */
  readonly pid: number;
  readonly output: () => string;
  /** How long from spawn until the runtime printed that it was ready. */
  readonly startupMs: number;
  stop(): Promise<number | null>;
}

export interface RuntimeOptions {
  readonly dataDir?: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
}

/** Starts `npm start`'s entry point (infra/local/main.ts) as its own process, as a person would. */
export async function startRuntime(options: RuntimeOptions = {}): Promise<RuntimeProcess> {
  const port = options.port ?? (await freePortTriple());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'idp-runtime-'));
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(root, 'infra/local/main.ts')], {
    cwd: root,
    // Settings changes reach warm functions within a second here, so tests need not wait 30 s.
    // A runtime given no data directory throws its data away, so DynamoDB Local need not write it to disk.
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, TENANT_CACHE_TTL_MS: '1000', ...(options.dataDir ? {} : { DYNAMODB_STORAGE: 'memory' }), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // For debugging: TEST_RUNTIME_LOG=file keeps the functions' logs.
  if (process.env.TEST_RUNTIME_LOG) {
    const log = createWriteStream(process.env.TEST_RUNTIME_LOG);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`runtime not ready after 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Ready in')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`runtime exited with ${code}:\n${output}`));
    });
  });

  return {
    url: `http://localhost:${port}`,
    sesUrl: `http://127.0.0.1:${port + 2}`,
    dynamodbEndpoint: `http://127.0.0.1:${port + 1}`,
    dataDir,
    pid: child.pid!,
    startupMs: performance.now() - started,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
