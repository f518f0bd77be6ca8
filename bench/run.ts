import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchResult, describeEnvironment, environment, formatResult } from './lib/measure.js';
import { skipped } from './lib/stores.js';

/**
 * Runs every benchmark module `bench/*.ts` that exports `run(): Promise<BenchResult[]>`, one after
 * the other in this process, and writes bench/results.json and bench/results.md.
 *
 *   npm run bench                  # all
 *   npm run bench -- engine        # only modules whose file name contains "engine"
 *   npm run bench:api              # one benchmark alone, printed (results files untouched)
 *
 * A missed goal is reported, not an error: benchmarks inform, they do not gate (a ratio on a busy
 * CI machine is still a ratio, but one noisy run should not fail a build). A benchmark that throws
 * (e.g. wrong record count) makes the exit code 1.
 */

type BenchModule = { run?: () => Promise<BenchResult[]> };

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];

const files = (await fs.readdir(here))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && name !== 'run.ts')
  .filter((name) => !filter || name.includes(filter))
  .sort();

const env = environment();
console.log(describeEnvironment(env));
const results: BenchResult[] = [];
const failures: Array<{ file: string; error: string }> = [];

for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
  if (typeof mod.run !== 'function') continue;
  console.log(`\n▶ ${file}`);
  try {
    for (const result of await mod.run()) {
      results.push(result);
      console.log(formatResult(result));
    }
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push({ file, error: message });
    console.error(`✖ ${file} failed: ${message}`);
  }
}

await fs.writeFile(path.join(here, 'results.json'), `${JSON.stringify({ environment: env, results, failures, skipped }, null, 2)}\n`);
await fs.writeFile(path.join(here, 'results.md'), markdown(results, failures));
console.log(`\nwrote bench/results.json and bench/results.md (${results.length} results${failures.length ? `, ${failures.length} failed` : ''})`);
if (failures.length > 0) process.exitCode = 1;

function markdown(list: BenchResult[], failed: typeof failures): string {
  const side = (s: BenchResult['baseline'], unit = 'rec/s') =>
    s.latency
      ? `${s.label}: ${s.recordsPerSec.toLocaleString('en-US')} ${unit}, p50 ${s.latency.p50Ms} ms, p99 ${s.latency.p99Ms} ms`
      : `${s.label}: ${s.recordsPerSec.toLocaleString('en-US')} ${unit} (${s.medianMs} ms; RSS peak ${s.peakRssMiB} MiB, +${s.rssGrowthMiB} in a run)`;
  const rows = list.map((r) => `| ${r.name} | ${side(r.baseline, r.unit)} | ${side(r.candidate, r.unit)} | ${r.ratio.toFixed(3)} | ${r.goal ?? '—'} | ${r.pass === undefined ? '—' : r.pass ? 'yes' : '**no**'} |`);
  const notes = list.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.name}: ${n}`));
  return [
    '# Benchmark results',
    '',
    `Machine: ${describeEnvironment(env)}`,
    '',
    'ratio = candidate throughput / baseline throughput, both run interleaved in the same process (medians).',
    'api, file-sync and flow-e2e run on the embedded SQLite store and on PostgreSQL (a private schema; the file-sync goal is set on the embedded store); engine-paging and mapping touch no store.',
    '',
    '| benchmark | baseline | candidate | ratio | goal | pass |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(notes.length ? ['', ...notes] : []),
    ...(skipped.length ? ['', '## Skipped', '', ...skipped.map((s) => `- ${s}`)] : []),
    ...(failed.length ? ['', '## Failed', '', ...failed.map((f) => `- ${f.file}: ${f.error.split('\n')[0]}`)] : []),
    '',
  ].join('\n');
}
