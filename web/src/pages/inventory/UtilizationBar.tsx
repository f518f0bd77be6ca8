import { utilization, utilizationLevel } from './money';

/** Seats used in the last 30 days against seats bought, as a bar with its reading for screen readers. */
export function UtilizationBar({ seats, used }: { seats: number; used: number }) {
  const pct = utilization({ seats, usedLast30Days: used });
  const level = utilizationLevel(pct);
  const label = pct === null ? 'No seats' : `${used} of ${seats} seats used in the last 30 days (${pct}%)`;
  return (
    <div className="utilization" title={label}>
      <svg className={`util-bar util-${level}`} viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={label}>
        <rect className="util-track" x="0" y="0" width="100" height="8" rx="2" />
        {pct ? <rect className="util-fill" x="0" y="0" width={pct} height="8" rx="2" /> : null}
      </svg>
      <span className="util-text small">{pct === null ? '—' : `${pct}%`}</span>
    </div>
  );
}
