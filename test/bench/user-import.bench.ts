/**
 * Importing users as a migration does (NDJSON, 1,000 lines a request, bcrypt hashes kept):
 * throughput through HTTP, and the admin function's memory, measured on the same function
 * code in this process with a garbage collection after each request. The body is read line by
 * line and a few users are written at a time, so the heap left after a request must not grow
 * with the number of users already imported (100,000 in all by default).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAdminFunction } from '../../functions/admin/app.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { adminApi, managementToken } from '../support/admin-api.ts';
import { lambdaContext } from '../../infra/local/lambda-context.ts';
import { httpEvent } from '../support/events.ts';
import type { BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

const total = Number(process.env.IMPORT_BENCH_USERS ?? 100_000);
const overHttp = Math.min(total, 5000);
const perRequest = 1000;
const bcryptHash = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

function batch(offset: number, prefix: string): string {
  const lines: string[] = [];
  for (let i = offset; i < offset + perRequest; i++) {
    lines.push(JSON.stringify({ emails: [{ value: `${prefix}${String(i).padStart(6, '0')}@example.com` }], name: { givenName: `Given${i}` }, externalId: `${prefix}-${i}`, passwordHash: bcryptHash }));
  }
  return lines.join('\n');
}

export function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async () => {
    const api = await adminApi();
    const started = performance.now();
    for (let offset = 0; offset < overHttp; offset += perRequest) {
      const res = await api.raw('POST', '/users/import', batch(offset, 'http'), 'application/x-ndjson');
      if (res.status !== 200 || res.json<{ created: number }>().created !== perRequest) throw new Error(`import answered ${res.status}: ${res.body.slice(0, 300)}`);
    }
    const httpRate = overHttp / ((performance.now() - started) / 1000);

    const handler = createAdminFunction(() => portsFromEnvironment());
    const token = await managementToken(api.tenant);
    const heaps: number[] = [];
    const inProcess = total - overHttp;
    for (let offset = 0; offset < inProcess; offset += perRequest) {
      const res = await handler(
        httpEvent({ routeKey: 'POST /t/{tenant}/api/v1/users/import', path: `/t/${api.tenant.slug}/api/v1/users/import`, pathParameters: { tenant: api.tenant.slug }, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: batch(offset, 'proc') }),
        // The admin function's own limit (API Gateway's 29 s), not the 10 s of the test context.
        lambdaContext('admin', 29, 1024),
      );
      if (res.statusCode !== 200) throw new Error(`in-process import answered ${res.statusCode}: ${String(res.body).slice(0, 300)}`);
      heaps.push(heapMb());
    }
    const first = heaps[0] ?? 0;
    const last = heaps.at(-1) ?? 0;
    return [
      { name: `users imported over HTTP (${overHttp}, ${perRequest} a request)`, value: httpRate, unit: 'user/s', note: 'DynamoDB Local serialises the transactions; each user is one' },
      { name: `admin function heap after the first of ${heaps.length} in-process requests`, value: first, unit: 'MB' },
      { name: `admin function heap after the last (${total} users imported in all)`, value: last, unit: 'MB', note: `largest after any request ${Math.max(...heaps).toFixed(1)} MB; a Lambda has 1024 MB` },
    ];
  });
}
