import { Failure, preview } from './errors.js';
import { type ParsedPath, parsePath, readPath } from './path.js';
import type { DynamicLookup, Lookup, StaticLookup } from './schema.js';

/**
 * Lookups translate a mapped value through a table (static) or a request to the target
 * application (dynamic). Both share the outcome rules:
 * - a hit gives the value found (which may be null);
 * - a miss gives the lookup's `default` when it has one;
 * - otherwise a miss is a per-record `lookup` error naming the field — unless `allowFailures` is
 *   set, in which case the field gets `null` (it is written, explicitly empty, and the record
 *   goes on).
 * Keys are the mapped value as text (`42` and `'42'` find the same entry); objects are not keys.
 * An array value is looked up item by item.
 */

/** Resolves a dynamic lookup's request: the parsed response body, or undefined when not found. */
export type DynamicLookupFn = (lookup: DynamicLookup, key: string) => Promise<unknown>;

export function isStaticLookup(lookup: Lookup): lookup is StaticLookup {
  return 'map' in lookup;
}

function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function miss(lookup: Lookup, value: unknown, why: string): unknown {
  if (lookup.default !== undefined) return lookup.default;
  if (lookup.allowFailures === true) return null;
  return new Failure(`lookup ${JSON.stringify(lookup.name)} ${why} for ${preview(value)}`);
}

/**
 * A static lookup as a synchronous function: value → value or Failure.
 *
 * @example compileStaticLookup({ name: 'status', map: { A: 'active' } })('A') // 'active'
 */
export function compileStaticLookup(lookup: StaticLookup): (value: unknown) => unknown {
  // A Map rather than the object itself: a key such as "__proto__" or "toString" is then data.
  const table = new Map<string, unknown>(Object.entries(lookup.map));
  const one = (value: unknown): unknown => {
    const key = keyOf(value);
    if (key === undefined) return miss(lookup, value, 'cannot use an object or array as a key');
    const found = table.get(key);
    return found !== undefined || table.has(key) ? found : miss(lookup, value, 'has no entry');
  };
  return (value) => {
    if (!Array.isArray(value)) return one(value);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const found = one(value[i]);
      if (found instanceof Failure) return found;
      out[i] = found;
    }
    return out;
  };
}

export interface LookupStats {
  /** Requests made through `dynamicLookup`. */
  requests: number;
  /** Dynamic lookups answered from the per-run cache. */
  cacheHits: number;
}

/**
 * The dynamic lookups of one compiled mapping. Results are cached by lookup name and key for the
 * life of the compiled mapping (compile one per run): the same customer e-mail in 10,000 records
 * costs one request. Concurrent records share the pending request; a failed request is not
 * cached, so a later record retries it.
 */
export class DynamicLookups {
  readonly stats: LookupStats = { requests: 0, cacheHits: 0 };
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly extracts = new Map<string, ParsedPath>();

  constructor(private readonly fetch: DynamicLookupFn | undefined) {}

  /** Parses the lookup's `extract` once (throws MappingError when it is malformed). */
  prepare(lookup: DynamicLookup): void {
    this.extracts.set(lookup.name, parsePath(lookup.extract, `lookups[${lookup.name}].extract`));
  }

  /** Resolves a value (or each item of an array) through the lookup: value or Failure. */
  async resolve(lookup: DynamicLookup, value: unknown): Promise<unknown> {
    if (!Array.isArray(value)) return this.one(lookup, value);
    const found = await Promise.all(value.map((item) => this.one(lookup, item)));
    return found.find((item) => item instanceof Failure) ?? found;
  }

  private async one(lookup: DynamicLookup, value: unknown): Promise<unknown> {
    const key = keyOf(value);
    if (key === undefined) return miss(lookup, value, 'cannot use an object or array as a key');
    if (!this.fetch) return new Failure(`lookup ${JSON.stringify(lookup.name)} needs a request, and this mapping runs without a connection`);
    const cacheKey = `${lookup.name}\u0000${key}`;
    let pending = this.cache.get(cacheKey);
    if (pending) this.stats.cacheHits++;
    else {
      this.stats.requests++;
      pending = this.fetch(lookup, key).then((body) => readPath(body, this.extracts.get(lookup.name) ?? parsePath('$', lookup.name)));
      this.cache.set(cacheKey, pending);
      pending.catch(() => this.cache.delete(cacheKey));
    }
    try {
      const found = await pending;
      return found === undefined ? miss(lookup, value, 'found nothing') : found;
    } catch (error) {
      if (lookup.allowFailures === true) return lookup.default ?? null;
      const detail = error instanceof Error ? error.message : String(error);
      return new Failure(`lookup ${JSON.stringify(lookup.name)} failed for ${preview(value)}: ${detail}`);
    }
  }
}
