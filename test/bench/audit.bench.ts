/**
 * The audit trail's cost and throughput (issue: audit trail). (a) What writing the audit events
 * adds to a sign-in: the sign-in's state change (the SSO session) stored with its two events in
 * one transaction, against the same session stored alone, alternating in the same run on the same
 * DynamoDB; and the full hosted-login round trip for scale. (b) Events per second through the
 * local pipeline (stream → audit.log, the SIEM consumer): events written straight to the table,
 * timed until the last one is in audit.log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem } from '../../shared/adapters/dynamodb/audit-item.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { portsFromEnvironment } from '../../shared/adapters/platform-ports.ts';
import { createAuditEvent } from '../../shared/domain/audit/event.ts';
import type { SsoSession } from '../../shared/domain/ports/session-store.ts';
import { signUpTenant } from '../support/signup.ts';
import { csrfTokenOf, webClient } from '../support/web-client.ts';
import { withQuietRuntime } from './quiet-runtime.ts';
import { against, percentile, type BenchResult } from './report.ts';

const samples = Number(process.env.AUDIT_BENCH_SAMPLES ?? 300);
const pipelineEvents = Number(process.env.AUDIT_BENCH_EVENTS ?? 2000);

const session = (tenant: string, userId: string): SsoSession => {
  const now = Date.now();
  return { idHash: createHash('sha256').update(randomBytes(16)).digest('base64url'), tenant, userId, authTime: now, amr: ['pwd'], lastSeenAt: now, idleExpiresAt: now + 3_600_000, absoluteExpiresAt: now + 8 * 3_600_000 };
};

export async function run(): Promise<BenchResult[]> {
  return withQuietRuntime(async (runtime) => {
    const tenant = await signUpTenant(webClient(runtime.url));
    const ports = portsFromEnvironment();
    const userId = 'bench-user';
    const events = () => [
      createAuditEvent({ tenant: tenant.slug, type: 'signin.success', actor: { kind: 'user', id: userId }, subject: userId, clientIp: '127.0.0.1', userAgent: 'bench', correlationId: 'c', outcome: 'success', details: { method: 'password' } }),
      createAuditEvent({ tenant: tenant.slug, type: 'session.started', actor: { kind: 'user', id: userId }, subject: userId, clientIp: '127.0.0.1', userAgent: 'bench', correlationId: 'c', outcome: 'success', details: { amr: ['pwd'] } }),
    ];
    const timed = async (withAudit: boolean) => {
      const started = performance.now();
      await ports.sessions.create(session(tenant.slug, userId), withAudit ? events() : []);
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i++) await timed(i % 2 === 0);
    const withAudit: number[] = [];
    const without: number[] = [];
    // Alternating (and which goes first), so both see the same DynamoDB Local state and machine load.
    for (let i = 0; i < samples; i++) {
      const order = i % 2 === 0 ? [true, false] : [false, true];
      for (const audited of order) (audited ? withAudit : without).push(await timed(audited));
    }

    // The whole hosted-login round trip (page + POST, argon2id included) for scale.
    const login = async () => {
      const client = webClient(runtime.url);
      const started = performance.now();
      const page = await client.get(`/t/${tenant.slug}/login`);
      const res = await client.postForm(`/t/${tenant.slug}/login`, { csrf: csrfTokenOf(page.body), identifier: tenant.adminEmail, password: tenant.adminPassword });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      return performance.now() - started;
    };
    const logins: number[] = [];
    for (let i = 0; i < 30; i++) logins.push(await login());

    // (b) Pipeline throughput: events straight into the table, 25 a request.
    const db = createDocumentClient();
    const marker = `pipeline-bench-${randomBytes(4).toString('hex')}`;
    const written = Array.from({ length: pipelineEvents }, (_, i) =>
      createAuditEvent({ tenant: tenant.slug, type: 'signin.failure', actor: { kind: 'anonymous' }, outcome: 'failure', correlationId: marker, details: { reason: 'bad_password', n: i } }),
    );
    const logFile = join(runtime.dataDir, 'audit.log');
    const delivered = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split(marker).length - 1 : 0);
    const started = performance.now();
    for (let i = 0; i < written.length; i += 25) {
      await db.send(new BatchWriteCommand({ RequestItems: { Audit: written.slice(i, i + 25).map((e) => ({ PutRequest: { Item: auditItem(e, 365) } })) } }));
    }
    const writeMs = performance.now() - started;
    while (delivered() < pipelineEvents) {
      if (performance.now() - started > 300_000) throw new Error(`the pipeline delivered ${delivered()} of ${pipelineEvents} events in 5 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pipelineMs = performance.now() - started;

    const p = (values: number[], q: number) => Number(percentile(values, q).toFixed(2));
    return [
      against({ name: 'sign-in state change with its 2 audit events, p50', value: p(withAudit, 50), unit: 'ms', note: `${samples} samples alternating; one transaction (session + 2 events, each event item with 2 GSIs)` }, 'without the events, p50', p(without, 50)),
      against({ name: 'sign-in state change with its 2 audit events, p99', value: p(withAudit, 99), unit: 'ms' }, 'without the events, p99', p(without, 99)),
      { name: 'added by audit writing, p50', value: Number((p(withAudit, 50) - p(without, 50)).toFixed(2)), unit: 'ms', note: `a whole hosted-login round trip (page + POST, argon2id) is p50 ${p(logins, 50)} ms here` },
      { name: 'local pipeline throughput', value: Math.round(pipelineEvents / (pipelineMs / 1000)), unit: 'events/s', note: `${pipelineEvents} events written in ${Math.round(writeMs)} ms, all in audit.log after ${Math.round(pipelineMs)} ms (stream poll → audit.log + the tenant SIEM consumer per event)` },
    ];
  });
}
