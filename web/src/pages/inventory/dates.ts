/**
 * A last-use date for people. Files often give a bare date (`2024-05-31`, stored as midnight
 * UTC): shown as that date, never shifted to the day before by the reader's time zone.
 *
 * @example formatLastUsed('2024-05-31T00:00:00.000Z', 'en-US') // "May 31, 2024"
 */
export function formatLastUsed(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (/T00:00:00(\.000)?Z$/.test(iso)) return date.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
}
