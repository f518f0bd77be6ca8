import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

/**
 * Benchmark helpers. Every figure is a ratio against a plain baseline run in the same process,
 * interleaved with the candidate (baseline, candidate, baseline, candidate …), so a slower machine,
 * a noisy neighbour or a thermal dip moves both sides alike and the ratio stays meaningful.
 * Absolute times are reported for context only; nothing asserts on them.
 */

/** What one side (baseline or candidate) measured over its timed runs. */
export interface SideStats {
  label: string;
  runs: number;
  /** Median wall time of one run. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Records one run produced (asserted equal on every run). */
  records: number;
  /** records / median wall time. */
  recordsPerSec: number;
  /** Highest process RSS sampled while this side ran, in MiB. */
  peakRssMiB: number;
  /** Highest (sampled RSS − RSS at the start of the run), in MiB: what one run itself pushed up. */
  rssGrowthMiB: number;
  /** Load benchmarks (bench/api.ts): per-request latency percentiles, medians over the rounds. */
  latency?: { p50Ms: number; p99Ms: number };
}

/** One benchmark's outcome: `ratio` = candidate throughput / baseline throughput (1 = as fast). */
export interface BenchResult {
  name: string;
  baseline: SideStats;
  candidate: SideStats;
  ratio: number;
  /** The goal in words, e.g. "ratio ≥ 0.85 (within 15% of the plain loop)". */
  goal?: string;
  pass?: boolean;
  /** Free-form extra figures (section timings, request counts …). */
  notes?: string[];
  /** What recordsPerSec counts: "rec/s" (default) or "req/s" (load benchmarks). */
  unit?: 'rec/s' | 'req/s';
}

export interface Environment {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemGiB: number;
  date: string;
}

/** The machine line every result is read against. */
export function environment(): Environment {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    totalMemGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    date: new Date().toISOString(),
  };
}

export function describeEnvironment(env: Environment = environment()): string {
  return `${env.cores} cores · ${env.cpuModel} · Node ${env.node} · ${env.platform} · ${env.totalMemGiB} GiB RAM · ${env.date}`;
}

const MiB = 1024 * 1024;

/** Samples process RSS every `everyMs` until stopped; returns the peak and the growth over the start. */
function rssSampler(everyMs = 5): { stop(): { peak: number; growth: number } } {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return { peak, growth: peak - start };
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One side of a comparison: a run resolves with the number of records it produced. */
export interface Variant {
  label: string;
  run: () => Promise<number>;
}

interface RunRecord {
  ms: number;
  peak: number;
  growth: number;
}

/**
 * Runs each variant `warmup` times, then `runs` rounds of every variant in turn (interleaved).
 * Each run must produce `expectedRecords` (throws otherwise: a fast wrong answer is not a result).
 *
 * Runs are measured in steady state, without a forced `gc()` in between: a full collection shrinks
 * the heap and the next run pays to grow it again (on engine-paging it slowed the plain loop from
 * ~230 to ~310 ms and hid half of the engine's gap). Each side's garbage is part of its cost.
 *
 * @example
 * const [base, cand] = await interleave([{ label: 'fetch', run: plain }, { label: 'engine', run: engine }], { runs: 5, expectedRecords: 200_000 });
 */
export async function interleave(variants: Variant[], options: { runs: number; warmup?: number; expectedRecords: number }): Promise<SideStats[]> {
  const check = (variant: Variant, records: number) => {
    if (records !== options.expectedRecords) {
      throw new Error(`${variant.label} produced ${records} records, expected ${options.expectedRecords}.`);
    }
  };
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    for (const variant of variants) check(variant, await variant.run());
  }
  const records: RunRecord[][] = variants.map(() => []);
  for (let round = 0; round < options.runs; round++) {
    for (const [index, variant] of variants.entries()) {
      const sampler = rssSampler();
      const started = performance.now();
      const count = await variant.run();
      const ms = performance.now() - started;
      const { peak, growth } = sampler.stop();
      check(variant, count);
      records[index]?.push({ ms, peak, growth });
    }
  }
  return variants.map((variant, index) => {
    const list = records[index] ?? [];
    const times = list.map((r) => r.ms);
    const medianMs = median(times);
    return {
      label: variant.label,
      runs: list.length,
      medianMs: round(medianMs, 1),
      minMs: round(Math.min(...times), 1),
      maxMs: round(Math.max(...times), 1),
      records: options.expectedRecords,
      recordsPerSec: Math.round(options.expectedRecords / (medianMs / 1000)),
      peakRssMiB: round(Math.max(...list.map((r) => r.peak)) / MiB, 1),
      rssGrowthMiB: round(Math.max(...list.map((r) => r.growth)) / MiB, 1),
    };
  });
}

/** Builds a result: ratio = candidate records/s over baseline records/s; `pass` when a minimum ratio is given. */
export function compare(name: string, baseline: SideStats, candidate: SideStats, goal?: { minRatio: number; text: string }, notes?: string[]): BenchResult {
  const ratio = round(candidate.recordsPerSec / baseline.recordsPerSec, 3);
  return {
    name,
    baseline,
    candidate,
    ratio,
    ...(goal ? { goal: goal.text, pass: ratio >= goal.minRatio } : {}),
    ...(notes && notes.length > 0 ? { notes } : {}),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A one-line human summary of a side. */
export function formatSide(side: SideStats, unit = 'rec/s'): string {
  const latency = side.latency ? `, latency p50 ${side.latency.p50Ms} ms p99 ${side.latency.p99Ms} ms` : '';
  return `${side.label}: ${side.medianMs} ms median (${side.minMs}–${side.maxMs}, n=${side.runs}), ${side.recordsPerSec.toLocaleString('en-US')} ${unit}${latency}, peak RSS ${side.peakRssMiB} MiB (+${side.rssGrowthMiB})`;
}

export function formatResult(result: BenchResult): string {
  const verdict = result.pass === undefined ? '' : result.pass ? ' PASS' : ' MISS';
  return [
    `${result.name}: ratio ${result.ratio}${result.goal ? ` (goal ${result.goal})` : ''}${verdict}`,
    `  baseline  ${formatSide(result.baseline, result.unit)}`,
    `  candidate ${formatSide(result.candidate, result.unit)}`,
    ...(result.notes ?? []).map((note) => `  · ${note}`),
  ].join('\n');
}

/**
 * Runs a benchmark module's `run()` and prints its results when the module is the entry point
 * (`npx tsx bench/<name>.ts`); `bench/run.ts` imports the same module and calls `run()` itself.
 */
export async function runIfMain(moduleUrl: string, run: () => Promise<BenchResult[]>): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || moduleUrl !== pathToFileURL(path.resolve(entry)).href) return;
  console.log(describeEnvironment());
  for (const result of await run()) console.log(formatResult(result));
}
