const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads a dot path (`meta.next_cursor`, `data.items.0.id`) from parsed JSON. Only own properties
 * are followed and `__proto__`/`constructor`/`prototype` never are, so a path from a definition
 * cannot reach into Object.prototype. An empty path returns the value itself.
 *
 * @example readDotPath({ meta: { next: 'abc' } }, 'meta.next') // 'abc'
 */
export function readDotPath(value: unknown, path: string): unknown {
  const parts = path.split('.').filter((part) => part !== '');
  let current = value;
  let i = 0;
  while (i < parts.length) {
    if (typeof current !== 'object' || current === null) return undefined;
    // Keys may contain dots (Microsoft Graph's "@odata.nextLink"): the longest own key that
    // matches the next segments wins.
    let j = parts.length;
    for (; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (!FORBIDDEN.has(key) && Object.prototype.hasOwnProperty.call(current, key)) break;
    }
    if (j === i) return undefined;
    current = (current as Record<string, unknown>)[parts.slice(i, j).join('.')];
    i = j;
  }
  return current;
}
