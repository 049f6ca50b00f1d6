import { createAuditEvent, type AuditEvent } from '../../../../shared/domain/audit/event.ts';
import { InvalidCursor } from '../../../../shared/domain/ports/pages.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import type { Notice } from '../console-layout.ts';
import { callOperation, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import { exportCap, exportFile, exportFileName, exportFormats, exportMaxPages, exportPageSize, type ExportFormat } from './audit-log-export.ts';
import { filtersOf, type AuditFilters } from './audit-log-filters.ts';
import { auditPage, type AuditView, type IntegrityResult } from './audit-log-view.ts';

interface EventPage {
  items: AuditEvent[];
  next_cursor?: string;
}

const pageSize = 50;

/** A refused read (the API's validation, a cursor from elsewhere) is a message; anything else an error. */
function refusalOrCursor(error: unknown): Notice {
  if (error instanceof InvalidCursor) return { ok: false, text: 'That page of the audit log no longer matches these filters; start again from the newest events.' };
  return refusalOf(error);
}

async function renderAudit(req: ConsoleRequest, caller: ConsoleCaller, view: Omit<AuditView, 'exportCap'>, statusCode = 200): Promise<HttpResponse> {
  const response = await renderScreen(req, caller, 'audit', (frame) => auditPage(frame, { ...view, exportCap }));
  return { ...response, statusCode };
}

const refused = (req: ConsoleRequest, caller: ConsoleCaller, filters: AuditFilters, notice: Notice) =>
  renderAudit(req, caller, { filters, events: [], paged: false, notice }, 400);

/** GET /t/{tenant}/console/audit[?type&outcome&subject&application&from&to&cursor&integrity]: the filtered events, newest first. */
const audit = withCaller(async (req, caller) => {
  const parsed = filtersOf(req.query);
  if (parsed.problem !== undefined) return refused(req, caller, parsed.filters, { ok: false, text: parsed.problem });
  const cursor = req.query.get('cursor') ?? undefined;
  let page: EventPage;
  let integrity: IntegrityResult | undefined;
  try {
    page = await callOperation<EventPage>(req, caller, 'GET /t/{tenant}/api/v1/audit/events', { query: { ...parsed.query, limit: String(pageSize), ...(cursor ? { cursor: cursor.slice(0, 2048) } : {}) } });
    if (req.query.has('integrity')) {
      const period = Object.fromEntries(Object.entries(parsed.query).filter(([k]) => k === 'from' || k === 'to'));
      integrity = await callOperation<IntegrityResult>(req, caller, 'GET /t/{tenant}/api/v1/audit/integrity', { query: period });
    }
  } catch (error) {
    return refused(req, caller, parsed.filters, refusalOrCursor(error));
  }
  return renderAudit(req, caller, { filters: parsed.filters, events: page.items, paged: cursor !== undefined, ...(page.next_cursor ? { next: page.next_cursor } : {}), ...(integrity ? { integrity } : {}) });
});

/** Every event the filters match, page by page through the API, up to the cap; whether more remained. */
async function matchingEvents(req: ConsoleRequest, caller: ConsoleCaller, query: Record<string, string>): Promise<{ events: AuditEvent[]; truncated: boolean }> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < exportMaxPages; pages++) {
    const page = await callOperation<EventPage>(req, caller, 'GET /t/{tenant}/api/v1/audit/events', { query: { ...query, limit: String(exportPageSize), ...(cursor ? { cursor } : {}) } });
    events.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor || events.length >= exportCap) break;
  }
  return { events: events.slice(0, exportCap), truncated: cursor !== undefined || events.length > exportCap };
}

/** GET /t/{tenant}/console/audit/export?format=csv|ndjson&…filters: the matching events as a download. */
const exportEvents = withCaller(async (req, caller) => {
  const parsed = filtersOf(req.query);
  if (parsed.problem !== undefined) return refused(req, caller, parsed.filters, { ok: false, text: parsed.problem });
  const format = req.query.get('format') ?? 'csv';
  if (!Object.hasOwn(exportFormats, format)) return refused(req, caller, parsed.filters, { ok: false, text: 'Download as csv or ndjson.' });
  let matched: { events: AuditEvent[]; truncated: boolean };
  try {
    // The period is pinned at the first page, so later pages read the same one.
    matched = await matchingEvents(req, caller, { ...parsed.query, to: parsed.query.to ?? new Date().toISOString() });
  } catch (error) {
    return refused(req, caller, parsed.filters, refusalOrCursor(error));
  }
  const file = exportFile(format as ExportFormat, matched.events, matched.truncated);
  await req.deps.auditLog.record(createAuditEvent({
    tenant: caller.tenant.id, type: 'audit.exported', actor: { kind: 'user', id: caller.user.id }, subject: `tenant:${caller.tenant.id}`,
    clientIp: req.state.clientIp, userAgent: req.state.userAgent, correlationId: req.state.correlationId, outcome: 'success',
    details: { format, count: file.count, filters: parsed.query, ...(file.truncated ? { truncated: true } : {}) },
  }));
  return {
    statusCode: 200,
    headers: {
      'content-type': exportFormats[format as ExportFormat].contentType,
      'content-disposition': `attachment; filename="${exportFileName(caller.tenant.slug, format as ExportFormat, file, new Date())}"`,
      'cache-control': 'no-store',
      'x-export-events': String(file.count),
      ...(file.truncated ? { 'x-export-truncated': 'true' } : {}),
    },
    body: file.body,
  };
});

export const auditRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/audit': audit,
  'GET /t/{tenant}/console/audit/export': exportEvents,
};
