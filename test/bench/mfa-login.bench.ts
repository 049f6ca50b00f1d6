/**
 * DynamoDB capacity of a sign-in with a second factor (password, then an authenticator-app
 * code), against a password-only sign-in of the same tenant: the login function's code run in
 * this process on a client that counts consumed capacity, the tenant's flow requiring TOTP.
 */
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { createLoginFunction } from '../../functions/login/app.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { parseFlowDocument } from '../../shared/domain/flows/flow-document.ts';
import { newTotpSecret } from '../../shared/domain/factors/totp.ts';
import { createSecureVault } from '../../shared/domain/secrets/secure-vault.ts';
import { httpEvent, testContext } from '../support/events.ts';
import { signUpTenant } from '../support/signup.ts';
import { csrfTokenOf, webClient } from '../support/web-client.ts';
import { countCapacity } from './capacity.ts';
import type { BenchResult } from './report.ts';
import { withQuietRuntime } from './quiet-runtime.ts';

export function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async (runtime) => {
    const tenant = await signUpTenant(webClient(runtime.url));
    const ports = portsFromEnvironment();
    const admin = (await ports.users.findByLogin(tenant.slug, tenant.adminEmail))!.user;
    const secret = newTotpSecret();
    const factorId = randomUUID();
    await ports.factors.addFactor({ id: factorId, tenant: tenant.slug, userId: admin.id, kind: 'totp', label: 'bench', sealedSecret: await createSecureVault(ports.keyVault).seal('totp-seed', tenant.slug, factorId, secret), createdAt: new Date().toISOString() }, []);

    const db = createDocumentClient();
    const capacity = countCapacity(db);
    const handler = createLoginFunction(() => portsFromEnvironment({ db }));
    let cookies: string[] = [];
    const keep = (set: string | string[] | undefined) => {
      for (const line of ([] as string[]).concat(set ?? [])) {
        const pair = line.split(';')[0]!;
        cookies = [...cookies.filter((c) => c.split('=')[0] !== pair.split('=')[0]), pair];
      }
    };
    const send = async (routeKey: string, form?: Record<string, string>, sourceIp = '127.0.20.1') => {
      const [, route] = routeKey.split(' ') as [string, string];
      const res = await handler(
        httpEvent({ routeKey, path: route.replace('{tenant}', tenant.slug), pathParameters: { tenant: tenant.slug }, cookies, sourceIp, ...(form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() } : {}) }),
        testContext('login'),
      );
      keep(res.cookies);
      return res;
    };
    const signIn = async (withCode?: number) => {
      cookies = [];
      const page = await send('GET /t/{tenant}/login');
      const posted = await send('POST /t/{tenant}/login', { csrf: csrfTokenOf(String(page.body)), identifier: tenant.adminEmail, password: tenant.adminPassword });
      if (withCode === undefined) {
        if (posted.statusCode !== 200) throw new Error(`password sign-in answered ${posted.statusCode}`);
        return;
      }
      const step = await send('GET /t/{tenant}/login/step');
      const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + withCode * 30 });
      const done = await send('POST /t/{tenant}/login/step', { csrf: csrfTokenOf(String(step.body)), method: 'totp', code });
      if (done.statusCode !== 200) throw new Error(`code step answered ${done.statusCode}: ${String(done.body).slice(0, 200)}`);
    };

    await signIn();
    capacity.reset();
    await signIn();
    const passwordOnly = { ...capacity.totals };

    await ports.flows.publish(tenant.slug, { name: 'default', version: 1, document: parseFlowDocument({ steps: [{ options: ['password'] }, { options: ['totp'] }] }), updatedAt: new Date().toISOString(), updatedBy: 'bench' }, 0, []);
    // Three sign-ins, each with a code of a later time step inside the ±1 window (each step is usable once).
    const samples = [-1, 0, 1];
    capacity.reset();
    for (const offset of samples) await signIn(offset);
    const mfa = capacity.totals;
    db.destroy();
    return [
      { name: 'read capacity per sign-in, password only', value: passwordOnly.read, unit: 'RCU', note: `${passwordOnly.calls} DynamoDB calls, login page included` },
      { name: 'write capacity per sign-in, password only', value: passwordOnly.write, unit: 'WCU' },
      { name: 'read capacity per sign-in with TOTP', value: mfa.read / samples.length, unit: 'RCU', note: `${mfa.calls / samples.length} DynamoDB calls (login page, password, step page, code)` },
      { name: 'write capacity per sign-in with TOTP', value: mfa.write / samples.length, unit: 'WCU' },
    ];
  });
}
