/**
 * The shape every benchmark returns, and the helpers the runner uses to print and save it.
 * A benchmark is a module `test/bench/<name>.bench.ts` exporting `run(): Promise<BenchResult[]>`.
 */
import { cpus, totalmem } from 'node:os';

export interface BenchResult {
  /** What was measured, e.g. `startup cold (median)` or `GET /health req/s`. */
  readonly name: string;
  readonly value: number;
  /** `ms`, `req/s`, … */
  readonly unit: string;
  /** A reference measured in the same run, e.g. a bare server under the same load. */
  readonly peer?: { readonly name: string; readonly value: number };
  /** value / peer.value, when a peer is given. */
  readonly ratio?: number;
  /** The raw samples behind an aggregate (a median of three runs, say). */
  readonly samples?: readonly number[];
  readonly note?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

export interface BenchReport {
  readonly benchmark: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: { readonly node: string; readonly platform: string; readonly cpus: number; readonly cpuModel: string; readonly memoryGiB: number };
  readonly results: readonly BenchResult[];
}

/** A result compared with a peer: the ratio is filled in. */
export function against(result: Omit<BenchResult, 'peer' | 'ratio'>, peerName: string, peerValue: number): BenchResult {
  return { ...result, peer: { name: peerName, value: peerValue }, ratio: peerValue === 0 ? Number.NaN : result.value / peerValue };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values (NaN for none). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function machine(): BenchReport['machine'] {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

/** A plain-text table of one benchmark's results. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [
    ['measure', 'value', 'unit', 'compared with', 'ratio'],
    ...results.map((r) => [
      r.name,
      formatNumber(r.value),
      r.unit,
      r.peer ? `${r.peer.name} = ${formatNumber(r.peer.value)}` : '',
      r.ratio === undefined ? '' : `${r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2)}x`,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 1 || column === 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
