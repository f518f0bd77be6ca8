import { useId } from 'react';
import { formatTime } from './format';
import { layoutRunChart, type RunCounts } from './run-chart';

const LABELS = { imported: 'written', failed: 'failed', ignored: 'ignored' } as const;

/** Records per run as stacked bars (inline SVG; scales with its box, readable by screen readers). */
export function RunChart({ runs }: { runs: RunCounts[] }) {
  const id = useId();
  const chart = layoutRunChart(runs, { width: 720, height: 200 });
  if (chart.bars.length === 0) return null;
  const summary = chart.bars.map((b) => `${formatTime(b.createdAt)}: ${b.exported} read, ${b.segments.map((s) => `${s.value} ${LABELS[s.kind]}`).join(', ') || 'nothing written'}`).join('; ');
  return (
    <figure className="run-chart">
      <svg viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>Records per run, oldest on the left</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {chart.ticks.map((t) => (
          <g key={t.value} className="tick">
            <line x1={chart.plot.left} x2={chart.plot.right} y1={t.y} y2={t.y} />
            <text x={chart.plot.left - 6} y={t.y + 4} textAnchor="end">
              {Number.isInteger(t.value) ? t.value : t.value.toFixed(1)}
            </text>
          </g>
        ))}
        {chart.bars.map((bar) => (
          <g key={bar.id} className={`bar bar-${bar.status}`}>
            <title>{`${formatTime(bar.createdAt)} · ${bar.status} · ${bar.exported} read${bar.segments.map((s) => `, ${s.value} ${LABELS[s.kind]}`).join('')}`}</title>
            {bar.segments.map((s) => (
              <rect key={s.kind} className={`seg seg-${s.kind}`} x={bar.x} width={bar.width} y={s.y} height={Math.max(s.height, 0.5)} />
            ))}
            {bar.exported > 0 ? <line className="exported-mark" x1={bar.x - 2} x2={bar.x + bar.width + 2} y1={bar.exportedY} y2={bar.exportedY} /> : null}
            {bar.status === 'failed' || bar.status === 'cancelled' ? (
              <text className="bar-flag" x={bar.x + bar.width / 2} y={chart.plot.bottom - 4} textAnchor="middle">
                ×
              </text>
            ) : null}
          </g>
        ))}
        <line className="axis" x1={chart.plot.left} x2={chart.plot.right} y1={chart.plot.bottom} y2={chart.plot.bottom} />
      </svg>
      <figcaption className="chart-legend small">
        <span>
          <i className="swatch seg-imported" aria-hidden="true" /> written
        </span>
        <span>
          <i className="swatch seg-failed" aria-hidden="true" /> failed
        </span>
        <span>
          <i className="swatch seg-ignored" aria-hidden="true" /> ignored
        </span>
        <span>
          <i className="swatch exported-mark" aria-hidden="true" /> read
        </span>
        <span className="muted">× run failed or cancelled · last {chart.bars.length} runs</span>
      </figcaption>
    </figure>
  );
}
