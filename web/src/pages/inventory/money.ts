/** Seats and money for the licenses page. Pure. */

/**
 * Cents as an amount in the app's currency (the payload does not say which one).
 *
 * @example formatCents(129900) // "1,299.00"
 * @example formatCents(null) // "—"
 */
export function formatCents(cents: number | null | undefined, locale?: string): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}

/**
 * Share of seats used in the last 30 days, 0–100, rounded; null without seats.
 *
 * @example utilization({ seats: 8, usedLast30Days: 2 }) // 25
 */
export function utilization(license: { seats: number; usedLast30Days: number }): number | null {
  if (!(license.seats > 0)) return null;
  return Math.round((Math.min(license.usedLast30Days, license.seats) / license.seats) * 100);
}

/** A level for colouring a utilization bar. */
export function utilizationLevel(percent: number | null): 'none' | 'low' | 'mid' | 'high' {
  if (percent === null) return 'none';
  if (percent < 50) return 'low';
  if (percent < 80) return 'mid';
  return 'high';
}

/** Whole-number formatting with grouping. */
export function formatCount(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale).format(n);
}

/**
 * Bytes for people.
 *
 * @example formatBytes(1536) // "1.5 KB"
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
