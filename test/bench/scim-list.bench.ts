/**
 * SCIM list and search over a tenant of 10,000 users: latency through HTTP (the local runtime)
 * and the DynamoDB capacity one request consumes (the same function code in-process, on a
 * client that counts). Each filter names the query plan that serves it.
 */
import { randomUUID } from 'node:crypto';
import { createScimFunction } from '../../functions/scim/app.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { newUser } from '../../shared/domain/users/user-changes.ts';
import { managementToken } from '../support/admin-api.ts';
import { httpEvent, testContext } from '../support/events.ts';
import { signUpTenant } from '../support/signup.ts';
import { webClient } from '../support/web-client.ts';
import { countCapacity } from './capacity.ts';
import { median, percentile, type BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

const userCount = Number(process.env.SCIM_BENCH_USERS ?? 10_000);
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async (runtime) => {
    const tenant = await signUpTenant(webClient(runtime.url));
    const ports = portsFromEnvironment();
    const now = new Date();
    const seedStarted = performance.now();
    await inParallel(Array.from({ length: userCount }, (_, i) => i), 8, async (i) => {
      const user = newUser(tenant.slug, {
        userName: `user${String(i).padStart(5, '0')}@example.com`,
        externalId: randomUUID(),
        emails: [{ value: `user${String(i).padStart(5, '0')}@example.com`, type: 'work' }],
        name: { givenName: `Given${i}`, familyName: `Family${i % 100}` },
        attributes: { 'enterprise:department': `Dept${i % 20}` },
      }, now);
      const outcome = await ports.users.createUser(user, {}, []);
      if (outcome !== 'done') throw new Error(`seeding user ${i}: ${outcome}`);
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const token = await managementToken(tenant, 'scim');
    const http = webClient(runtime.url);
    const target = `user${String(Math.min(4242, userCount - 1)).padStart(5, '0')}@example.com`;
    const externalId = (await ports.users.findByLogin(tenant.slug, target))!.user.externalId!;
    const queries: Array<[string, string, string]> = [
      ['userName eq', `filter=${encodeURIComponent(`userName eq "${target}"`)}`, 'login index: one GetItem for the marker, one for the user'],
      ['emails.value eq', `filter=${encodeURIComponent(`emails.value eq "${target}"`)}`, 'login index (emails share it with userName)'],
      ['id eq', '', 'one GetItem'],
      ['externalId eq', `filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`, 'gsi1 (externalId index): one Query'],
      ['enterprise department eq, count=100', `filter=${encodeURIComponent(`${enterprise}:department eq "Dept7"`)}&count=100`, 'reads every user of the tenant (Query on the tenant partition, USER# prefix), filters in memory'],
      ['no filter, count=100', 'count=100', 'reads every user (totalResults needs them all)'],
    ];
    const userId = (await ports.users.findByLogin(tenant.slug, target))!.user.id;
    queries[2]![1] = `filter=${encodeURIComponent(`id eq "${userId}"`)}`;

    const results: BenchResult[] = [
      { name: `seeding ${userCount} users (createUser, 8 in flight)`, value: userCount / seedSeconds, unit: 'user/s' },
    ];
    const db = createDocumentClient();
    const capacity = countCapacity(db);
    const handler = createScimFunction(() => portsFromEnvironment({ db }));
    // One request first, so key material and the tenant are cached as in a warm function.
    await handler(httpEvent({ routeKey: 'GET /t/{tenant}/scim2/ServiceProviderConfig', path: `/t/${tenant.slug}/scim2/ServiceProviderConfig`, pathParameters: { tenant: tenant.slug }, headers: { authorization: `Bearer ${token}` } }), testContext('scim'));
    for (const [name, query, plan] of queries) {
      const rounds = plan.includes('every user') ? 5 : 50;
      const latencies: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        const res = await http.get(`/t/${tenant.slug}/scim2/Users?${query}`, { authorization: `Bearer ${token}` });
        latencies.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.body.slice(0, 200)}`);
      }
      capacity.reset();
      const res = await handler(httpEvent({ routeKey: 'GET /t/{tenant}/scim2/Users', path: `/t/${tenant.slug}/scim2/Users`, query, pathParameters: { tenant: tenant.slug }, headers: { authorization: `Bearer ${token}` } }), testContext('scim'));
      if (res.statusCode !== 200) throw new Error(`${name} in-process: ${res.statusCode}`);
      const total = (JSON.parse(String(res.body)) as { totalResults: number }).totalResults;
      results.push({ name: `GET /Users ${name}: p50 latency`, value: median(latencies), unit: 'ms', note: `p95 ${percentile(latencies, 95).toFixed(1)} ms; ${total} results; plan: ${plan}` });
      results.push({ name: `GET /Users ${name}: read capacity`, value: capacity.totals.read, unit: 'RCU', note: `${capacity.totals.calls} DynamoDB calls` });
    }
    db.destroy();
    return results;
  });
}
