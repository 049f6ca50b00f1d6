import { z } from 'zod';
import { auditSearchSchema, eventsAsCsv, searchOf } from '../../../shared/domain/audit/audit-query.ts';
import { auditStatistics, reportedTypes, type ReportedType } from '../../../shared/domain/audit/audit-statistics.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';
import { verifyIntegrity } from '../../../shared/domain/audit/integrity.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { statisticsReport } from './audit-report.ts';
import { HttpError } from '../../../shared/http/errors.ts';
import { operation } from '../api/operation.ts';
import { pageOf } from '../api/schemas.ts';

export const auditEventSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  tenant: z.string(),
  type: z.string(),
  time: z.string(),
  actor: z.object({ kind: z.enum(['user', 'client', 'administrator', 'system', 'anonymous']), id: z.string().optional() }),
  subject: z.string().optional(),
  clientIp: z.string().optional(),
  userAgent: z.string().optional(),
  correlationId: z.string().optional(),
  outcome: z.enum(['success', 'failure', 'denied', 'error']),
  details: z.record(z.string(), z.unknown()),
});

const searchQuery = auditSearchSchema.extend({ format: z.enum(['json', 'csv']).default('json').describe('csv: the same page as text/csv (formula-safe cells)') });

function periodOf(input: z.infer<typeof auditSearchSchema>) {
  const search = searchOf(input, Date.now());
  if (typeof search === 'string') throw new HttpError(400, 'validation_failed', `The query is invalid: ${search}`, { details: { errors: [{ path: 'from', message: search }] } });
  return search;
}

/** Events per type a report reads before it says it is truncated. */
const reportCap = 20_000;

const counts = z.record(z.string(), z.number().int());
const statisticsQuery = auditSearchSchema.pick({ from: true, to: true }).extend({ format: z.enum(['json', 'html']).default('json').describe('html: a printable report') });

const statisticsSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  truncated: z.boolean(),
  signIns: z.object({ success: z.number().int(), failure: z.number().int(), denied: z.number().int(), failureRate: z.number() }),
  signInsByDay: z.array(z.object({ date: z.string(), success: z.number().int(), failure: z.number().int() })),
  failureReasons: counts,
  mfa: z.object({ challenges: z.number().int(), success: z.number().int(), failure: z.number().int(), signInsWithMfa: z.number().int(), adoptionRate: z.number() }),
  byAuthenticator: counts,
  byApplication: z.array(z.object({ application: z.string(), signIns: z.number().int() })),
  activeUsers: z.object({ period: z.number().int(), byDay: z.array(z.object({ date: z.string(), users: z.number().int() })) }),
  lockouts: z.number().int(),
  tokens: z.object({ issued: z.number().int(), refreshed: z.number().int(), reuseDetected: z.number().int(), byGrantType: counts }),
  rateLimited: z.number().int(),
});

const integritySchema = z.object({
  from: z.string(),
  to: z.string(),
  intact: z.boolean(),
  digests: z.number().int(),
  eventsVerified: z.number().int(),
  signaturesUnverifiable: z.number().int(),
  sealedUntil: z.string().optional(),
  problems: z.array(z.object({ kind: z.enum(['missing', 'altered', 'unlisted', 'reordered', 'bad_signature', 'chain_broken', 'digest_missing']), eventId: z.string().optional(), period: z.string(), part: z.number().int().optional() })),
});

const dayString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-12-01').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date');
const dailyQuery = z.object({ from: dayString.optional(), to: dayString.optional() }).strict();
const dailySchema = z.object({
  days: z.array(z.object({ date: z.string(), counters: z.record(z.string(), z.number()) })),
  months: z.array(z.object({ month: z.string(), activeUsers: z.number().int() })),
  openSessions: z.number().int(),
});

export const auditOperations = [
  operation({
    route: 'GET /t/{tenant}/api/v1/audit/events', summary: 'Search the audit trail, newest first: a period (default the last 7 days, at most 92), event type, subject, application, outcome; `format=csv` exports the page as CSV', tag: 'Audit', access: 'read', status: 200,
    paginated: true, query: searchQuery, response: pageOf(auditEventSchema), alternateContent: ['text/csv'],
    handle: async (call) => {
      const { format, ...filters } = call.query as z.infer<typeof searchQuery>;
      const result = await call.req.deps.auditTrail.search(call.tenant.id, periodOf(filters), call.page);
      if (format === 'csv') {
        // An export is recorded once, at its first page (the pages after it carry a cursor).
        if (call.page.cursor === undefined) await call.req.deps.auditLog.record(call.event('audit.exported', `tenant:${call.tenant.id}`, { format, count: result.items.length, filters }));
        return {
          raw: { contentType: 'text/csv; charset=utf-8', body: eventsAsCsv(result.items, call.page.cursor === undefined) },
          headers: { 'content-disposition': 'attachment; filename="audit-events.csv"', ...(result.cursor ? { 'x-next-cursor': result.cursor } : {}) },
        };
      }
      return { body: { items: result.items, ...(result.cursor ? { next_cursor: result.cursor } : {}) } };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/audit/statistics', summary: 'Sign-in statistics of a period (default the last 7 days): outcomes per day, second factors, authenticators, applications, active users, lockouts, tokens; `format=html` answers a report that prints cleanly (save it as PDF from the browser)', tag: 'Audit', access: 'read', status: 200,
    query: statisticsQuery, response: statisticsSchema, alternateContent: ['text/html'],
    handle: async (call) => {
      const { format, ...period } = call.query as z.infer<typeof statisticsQuery>;
      const { from, to } = periodOf(period);
      const read = await Promise.all(reportedTypes.map((type) => call.req.deps.auditTrail.eventsOfType(call.tenant.id, type, from, to, reportCap)));
      const byType = Object.fromEntries(reportedTypes.map((type, i) => [type, read[i]!.events])) as Record<ReportedType, AuditEvent[]>;
      const stats = auditStatistics(byType, from, to, read.some((r) => r.truncated));
      if (format === 'html') return { raw: { contentType: 'text/html; charset=utf-8', body: statisticsReport(settingsOf(call.tenant).branding.displayName, stats, call.req.state.nonce) } };
      return { body: stats };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/audit/daily', summary: 'Stored daily counters for dashboards (default the last 30 days, at most 366): sign-ins by outcome, authenticators, second factors, lockouts, tokens by grant type, sessions, active users per day and month, and the open sessions now', tag: 'Audit', access: 'read', status: 200,
    query: dailyQuery, response: dailySchema,
    handle: async (call) => {
      const { from, to } = call.query as z.infer<typeof dailyQuery>;
      const end = to ?? new Date().toISOString().slice(0, 10);
      const start = from ?? new Date(Date.parse(`${end}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
      const span = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
      if (span < 0 || span > 365) throw new HttpError(400, 'validation_failed', 'The query is invalid: from must be before to, at most 366 days apart', { details: { errors: [{ path: 'from', message: 'at most 366 days before to' }] } });
      return { body: await call.req.deps.auditCounters.read(call.tenant.id, start, end) };
    },
  }),
  operation({
    route: 'GET /t/{tenant}/api/v1/audit/integrity', summary: 'Verify the signed hourly digests of a period (default the last 7 days) against the trail: every event missing, altered, unlisted or out of order, and every broken, missing or badly signed digest', tag: 'Audit', access: 'read', status: 200,
    query: auditSearchSchema.pick({ from: true, to: true }), response: integritySchema,
    handle: async (call) => {
      const { from, to } = periodOf(call.query);
      return { body: await verifyIntegrity({ digests: call.req.deps.auditDigests, keys: call.req.deps.keys, pseudonymKey: await call.req.deps.platformSecrets.get('audit-pseudonym') }, call.tenant.id, from, to) };
    },
  }),
];
