import { eventsAsCsv } from '../../../../shared/domain/audit/audit-query.ts';
import type { AuditEvent } from '../../../../shared/domain/audit/event.ts';

/**
 * The audit log's download: every event the filters match, read page by page through the admin
 * API, up to a cap that keeps the answer well inside a Lambda response (6 MB) and its time.
 */
export const exportCap = 5_000;
export const exportPageSize = 200;
/** API pages read at most (a sparse filter may answer short pages). */
export const exportMaxPages = 60;
const maxBytes = 4_500_000;

export const exportFormats = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
} as const;
export type ExportFormat = keyof typeof exportFormats;

export interface ExportFile {
  readonly body: string;
  readonly count: number;
  readonly truncated: boolean;
}

/** The events as the file, cut at the byte budget (then truncated). CSV cells are formula-safe (the API's own CSV). */
export function exportFile(format: ExportFormat, events: readonly AuditEvent[], truncated: boolean): ExportFile {
  const lines: string[] = [];
  let bytes = 0;
  for (const event of events) {
    const line = format === 'csv' ? eventsAsCsv([event], false) : `${JSON.stringify(event)}\n`;
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) return { body: (format === 'csv' ? eventsAsCsv([], true) : '') + lines.join(''), count: lines.length, truncated: true };
    lines.push(line);
  }
  return { body: (format === 'csv' ? eventsAsCsv([], true) : '') + lines.join(''), count: lines.length, truncated };
}

/** The download's file name: the tenant, the moment, and "first-N" when it does not hold every match. */
export function exportFileName(slug: string, format: ExportFormat, file: ExportFile, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `audit-${slug.replace(/[^A-Za-z0-9_-]/g, '')}-${stamp}${file.truncated ? `-first-${file.count}` : ''}.${exportFormats[format].extension}`;
}
