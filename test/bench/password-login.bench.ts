/**
 * Password logins per second through the hosted login (GET the page for its CSRF token,
 * POST identifier and password, an SSO session created), against the bare argon2id
 * verification rate of this machine measured in the same run at the same parameters and
 * concurrency: the physical limit of a password login. Also the DynamoDB capacity units
 * one successful login consumes (ReturnConsumedCapacity), measured in-process on the
 * same function code. And where the machine's CPU went per login (Linux /proc): the runtime's
 * process, DynamoDB Local's JVM and this load generator, beside the CPU one bare verification
 * takes, so the distance to the goal can be read as milliseconds of CPU.
 */
import { argon2 as argon2Callback, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createLoginFunction } from '../../functions/login/app.ts';
import { useRuntimeEnvironment } from '../support/aws-env.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { argon2Parameters, hashSecret, verifySecret } from '../../shared/domain/secrets/secret-hashing.ts';
import { httpEvent, testContext } from '../support/events.ts';
import { startRuntime } from '../support/runtime.ts';
import { signUpTenant } from '../support/signup.ts';
import { csrfTokenOf, webClient } from '../support/web-client.ts';
import { countCapacity } from './capacity.ts';
import { processCpu, type CpuSplit } from './process-cpu.ts';
import { against, type BenchResult } from './report.ts';

const argon2 = promisify(argon2Callback);
const durationMs = 8000;

interface LoopResult {
  readonly perSecond: number;
  readonly done: number;
  /** CPU seconds each process used during the loop (undefined off Linux). */
  readonly cpu?: CpuSplit;
}

async function closedLoop(work: () => Promise<void>, runtimePid: number, concurrency = 4): Promise<LoopResult> {
  const deadline = performance.now() + durationMs;
  let done = 0;
  const cpu = processCpu(runtimePid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await work();
        done++;
      }
    }),
  );
  const perSecond = (done / (performance.now() - started)) * 1000;
  return { perSecond, done, ...(cpu ? { cpu: cpu.stop() } : {}) };
}

const msPer = (seconds: number, count: number) => (seconds * 1000) / count;

export async function run(): Promise<BenchResult[]> {
  const runtime = await startRuntime({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  try {
    useRuntimeEnvironment(runtime);
    const tenant = await signUpTenant(webClient(runtime.url));
    const path = `/t/${tenant.slug}/login`;
    // Lockout and rate limits stay out of the way: every login here succeeds, each from its own address.
    const login = async () => {
      const client = webClient(runtime.url);
      const page = await client.get(path);
      const res = await client.postForm(path, { csrf: csrfTokenOf(page.body), identifier: tenant.adminEmail, password: tenant.adminPassword });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
    };
    await login();
    const stored = await hashSecret('password', tenant.adminPassword);
    const bare = async () => {
      if (!(await verifySecret(tenant.adminPassword, stored))) throw new Error('bare verification failed');
    };
    const rawHash = async () => {
      await argon2('argon2id', { message: tenant.adminPassword, nonce: randomBytes(16), tagLength: 32, ...argon2Parameters });
    };
    await bare();

    // Logins wait on DynamoDB between hashes, so they need more callers in flight to keep the cores busy.
    const [four, eight] = [await closedLoop(login, runtime.pid, 4), await closedLoop(login, runtime.pid, 8)];
    const logins = four.perSecond >= eight.perSecond ? four : eight;
    const bareLoop = await closedLoop(bare, runtime.pid);
    const rawPerSecond = (await closedLoop(rawHash, runtime.pid)).perSecond;

    // Capacity: the same function code in this process, on a client that counts.
    const db = createDocumentClient();
    const capacity = countCapacity(db);
    const handler = createLoginFunction(() => portsFromEnvironment({ db }));
    const pageEvent = httpEvent({ routeKey: 'GET /t/{tenant}/login', path, pathParameters: { tenant: tenant.slug }, sourceIp: '127.0.9.9' });
    const page = await handler(pageEvent, testContext('login'));
    const csrfCookie = ([] as string[]).concat(page.cookies ?? []).find((c) => c.startsWith('idp_csrf='))!.split(';')[0]!;
    const samples = 20;
    capacity.reset();
    for (let i = 0; i < samples; i++) {
      const res = await handler(
        httpEvent({
          routeKey: 'POST /t/{tenant}/login', path, pathParameters: { tenant: tenant.slug }, cookies: [csrfCookie], sourceIp: `127.0.10.${i + 1}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: csrfTokenOf(page.body!), identifier: tenant.adminEmail, password: tenant.adminPassword }).toString(),
        }),
        testContext('login'),
      );
      if (res.statusCode !== 200) throw new Error(`in-process login answered ${res.statusCode}`);
    }
    const { read, write, calls } = capacity.totals;
    db.destroy();

    // CPU per login, by process, against the CPU of one bare verification (this process, only verifying).
    const cpuRows: BenchResult[] = [];
    if (logins.cpu && bareLoop.cpu) {
      const verifyMs = msPer(bareLoop.cpu.loadGenerator, bareLoop.done);
      const perLogin = { runtime: msPer(logins.cpu.runtime, logins.done), dynamodbLocal: msPer(logins.cpu.dynamodbLocal, logins.done), loadGenerator: msPer(logins.cpu.loadGenerator, logins.done) };
      const total = perLogin.runtime + perLogin.dynamodbLocal + perLogin.loadGenerator;
      cpuRows.push(
        { name: 'CPU of one bare argon2id verification', value: verifyMs, unit: 'ms' },
        against({ name: 'CPU per login, all processes', value: total, unit: 'ms', note: 'the goal (0.8) leaves a quarter of a verification for everything else a login does' }, 'a bare verification', verifyMs),
        { name: 'CPU per login: the runtime process', value: perLogin.runtime, unit: 'ms', note: 'argon2id, the login function, the gateway, and the audit pipeline and function behind each event' },
        { name: 'CPU per login: DynamoDB Local (JVM)', value: perLogin.dynamodbLocal, unit: 'ms', note: 'the stand-in for a service that in AWS runs on none of the function\'s cores' },
        { name: 'CPU per login: this load generator', value: perLogin.loadGenerator, unit: 'ms' },
        against({ name: 'argon2id share of the runtime process CPU per login', value: verifyMs, unit: 'ms' }, 'runtime process CPU per login', perLogin.runtime),
      );
    }

    return [
      against({ name: 'password logins/s through the hosted login (HTTP, best of 4 and 8 concurrent)', value: logins.perSecond, unit: 'login/s' }, 'bare argon2id verify (4 concurrent)', bareLoop.perSecond),
      { name: 'raw argon2id hashes/s (node:crypto, 4 concurrent)', value: rawPerSecond, unit: 'hash/s', note: `m=${argon2Parameters.memory} KiB, t=${argon2Parameters.passes}, p=${argon2Parameters.parallelism}` },
      { name: 'DynamoDB read capacity per successful login', value: read / samples, unit: 'RCU', note: `${calls / samples} calls per login (tenant cached, warm function)` },
      { name: 'DynamoDB write capacity per successful login', value: write / samples, unit: 'WCU', note: 'the login function only; the audit function counts each event once more (daily counters), off the request path' },
      ...cpuRows,
    ];
  } finally {
    await runtime.stop();
  }
}
