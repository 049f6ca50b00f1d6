/**
 * `npm run bench [-- name ...]`: runs every `test/bench/<name>.bench.ts` (or only the named
 * ones), prints a table per benchmark and writes `test-artifacts/bench/<name>.json`.
 * Benchmarks are never part of `npm test`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable, machine, type BenchModule, type BenchReport } from './report.ts';

const benchDir = import.meta.dirname;
const root = resolve(benchDir, '../..');
const artifactDir = join(root, 'test-artifacts', 'bench');
const suffix = '.bench.ts';

const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(suffix))
  .map((file) => file.slice(0, -suffix.length))
  .sort();

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`No benchmark named ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : available;

let failed = 0;
for (const name of selected) {
  console.log(`\n== ${name} ==`);
  const startedAt = new Date();
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(join(benchDir, `${name}${suffix}`)).href)) as Partial<BenchModule>;
    if (typeof module.run !== 'function') throw new Error(`${name}${suffix} exports no run() function`);
    const results = await module.run();
    const report: BenchReport = {
      benchmark: name,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      machine: machine(),
      results,
    };
    console.log(`\n${formatTable(results)}`);
    for (const result of results) if (result.note) console.log(`  * ${result.name}: ${result.note}`);
    mkdirSync(artifactDir, { recursive: true });
    const file = join(artifactDir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${name}: ${(report.durationMs / 1000).toFixed(1)} s; results in ${relative(root, file)}`);
  } catch (error) {
    failed++;
    console.error(`${name} failed:`, error);
  }
}
process.exit(failed > 0 ? 1 : 0);
