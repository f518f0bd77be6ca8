/** Display helpers for runs: durations, counts and times. Pure. */

/**
 * @example formatDuration(27) // "27 ms"
 * @example formatDuration(1530) // "1.5 s"
 * @example formatDuration(185_000) // "3 min 5 s"
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes} min${seconds ? ` ${seconds} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** A date-time in the reader's locale, or a dash. */
export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) });
}

export const FINAL_STATUSES = new Set(['success', 'partial', 'failed', 'cancelled']);

/** Whether a run may still change (so the page keeps polling). */
export function isActive(status: string): boolean {
  return !FINAL_STATUSES.has(status);
}

/** Every IANA zone the browser knows, UTC first; a short fallback list on old engines. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney'];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/**
 * A rough reading of common cron expressions, to confirm what was typed; null when unsure.
 *
 * @example describeCron('0 *\/4 * * *') // "every 4 hours, at minute 0"
 */
export function describeCron(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [min, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const rest = day === '*' && month === '*' && weekday === '*';
  if (!rest) {
    if (day === '*' && month === '*' && /^\d+$/.test(min) && /^\d+$/.test(hour) && /^[0-6](-[0-6])?$/.test(weekday)) {
      const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
      const [a, b] = weekday.split('-').map(Number) as [number, number | undefined];
      const days = b === undefined ? names[a] : `${names[a]} to ${names[b]}`;
      return `${days}, at ${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    }
    return null;
  }
  if (min === '*' && hour === '*') return 'every minute';
  const everyMin = /^\*\/(\d+)$/.exec(min);
  if (everyMin && hour === '*') return `every ${everyMin[1]} minutes`;
  if (/^\d+$/.test(min) && hour === '*') return `every hour, at minute ${min}`;
  const everyHour = /^\*\/(\d+)$/.exec(hour);
  if (/^\d+$/.test(min) && everyHour) return `every ${everyHour[1]} hours, at minute ${min}`;
  if (/^\d+$/.test(min) && /^\d+$/.test(hour)) return `every day at ${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
  return null;
}
