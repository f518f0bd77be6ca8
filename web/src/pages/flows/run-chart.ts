/** The records-per-run chart, as geometry: pure, so the component only draws what this returns. */

export interface RunCounts {
  _id: string;
  status: string;
  createdAt: string;
  counts: { exported?: number; imported?: number; failed?: number; ignored?: number } | null;
}

export type SegmentKind = 'imported' | 'failed' | 'ignored';

export interface ChartSegment {
  kind: SegmentKind;
  value: number;
  y: number;
  height: number;
}

export interface ChartBar {
  id: string;
  x: number;
  width: number;
  status: string;
  createdAt: string;
  exported: number;
  segments: ChartSegment[];
  /** The exported count drawn as a tick above (or across) the written stack. */
  exportedY: number;
}

export interface RunChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  max: number;
  ticks: Array<{ value: number; y: number }>;
  bars: ChartBar[];
}

/**
 * A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `value`.
 *
 * @example niceMax(0) // 1
 * @example niceMax(17) // 20
 * @example niceMax(230) // 500
 */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

const ORDER: SegmentKind[] = ['imported', 'failed', 'ignored'];

/**
 * Lays out one stacked bar per run, oldest on the left: imported, failed and ignored records, with
 * the exported count as a marker. `runs` may come newest first (as `/v1/jobs` answers); at most
 * `limit` of the newest are drawn.
 */
export function layoutRunChart(runs: RunCounts[], options: { width?: number; height?: number; limit?: number } = {}): RunChart {
  const width = options.width ?? 640;
  const height = options.height ?? 180;
  const plot = { left: 44, top: 10, right: width - 8, bottom: height - 22 };
  const chosen = [...runs]
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .slice(-(options.limit ?? 30));
  const num = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);
  const totals = chosen.map((run) => {
    const c = run.counts ?? {};
    return { exported: num(c.exported), written: num(c.imported) + num(c.failed) + num(c.ignored) };
  });
  const max = niceMax(Math.max(0, ...totals.map((t) => Math.max(t.exported, t.written))));
  const plotHeight = plot.bottom - plot.top;
  const scale = (value: number): number => (value / max) * plotHeight;
  const slot = chosen.length > 0 ? (plot.right - plot.left) / chosen.length : 0;
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  const bars = chosen.map((run, i): ChartBar => {
    const c = run.counts ?? {};
    let base = plot.bottom;
    const segments: ChartSegment[] = [];
    for (const kind of ORDER) {
      const value = num(c[kind]);
      if (value === 0) continue;
      const h = scale(value);
      base -= h;
      segments.push({ kind, value, y: base, height: h });
    }
    const exported = num(c.exported);
    return {
      id: run._id,
      x: plot.left + slot * i + (slot - barWidth) / 2,
      width: barWidth,
      status: run.status,
      createdAt: run.createdAt,
      exported,
      segments,
      exportedY: plot.bottom - scale(exported),
    };
  });
  const ticks = [0, 0.5, 1].map((f) => ({ value: max * f, y: plot.bottom - plotHeight * f }));
  return { width, height, plot, max, ticks, bars };
}
