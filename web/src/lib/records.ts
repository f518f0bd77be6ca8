/** Columns of a set of records: the union of their top-level keys, in first-seen order. */
export function inferColumns(records: unknown[], max = 30): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      if (!seen.has('')) {
        seen.add('');
        columns.push('');
      }
      continue;
    }
    for (const key of Object.keys(record)) {
      if (!seen.has(key) && columns.length < max) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return columns;
}

/** A cell's text: strings as they are, everything else as compact JSON. */
export function cellText(record: unknown, column: string): string {
  const value = column === '' ? record : record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[column] : undefined;
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** `{{query.x}}` placeholders of a method: the parameters it takes. */
export function queryPlaceholders(method: unknown): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(method ?? {}).matchAll(/\{\{\s*query\.([A-Za-z0-9_]+)/g)) if (match[1]) names.add(match[1]);
  return [...names];
}
