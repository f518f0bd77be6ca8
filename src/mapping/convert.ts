import { Failure, preview } from './errors.js';

/**
 * Type conversion of mapped values. Every converter takes a present value (never undefined) and
 * returns the converted value or a `Failure`; `null` passes through every type unchanged (the
 * source said "no value", the target gets "no value").
 *
 * - string: numbers and booleans as text, objects and arrays as JSON.
 * - number: finite numbers; numeric text (trimmed); booleans as 1/0; empty text → null.
 *   Anything else, NaN and ±Infinity included, is an error — never a silent NaN or 0.
 * - boolean: booleans; 'true'/'false', '1'/'0', 'yes'/'no' (any case, trimmed); 1/0; empty text → null.
 * - object: a plain object, or text holding a JSON object.
 * - …array: an array with every item converted (a scalar is wrapped: 'a' → ['a']).
 */

export const DATA_TYPES = ['string', 'number', 'boolean', 'object', 'stringarray', 'numberarray', 'booleanarray', 'objectarray'] as const;
export type DataType = (typeof DATA_TYPES)[number];

export type Converter = (value: unknown) => unknown;

function fail(value: unknown, type: string): Failure {
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return new Failure(`cannot convert ${kind} (${preview(value)}) to ${type}`);
}

export function toStringValue(value: unknown): unknown {
  if (typeof value === 'string' || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : fail(value, 'string');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value) ?? fail(value, 'string');
}

export function toNumberValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : fail(value, 'number');
  if (typeof value === 'string') {
    // Unary + trims and reads '1e3' and '0x1f' like Number(); it also reads '' and '  ' as 0,
    // which is why a zero is only believed when the text is not blank. (No trim() on the hot path.)
    const n = +value;
    if (n !== 0 && Number.isFinite(n)) return n;
    if (n === 0) return value.trim() === '' ? null : n;
    return fail(value, 'number');
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return null;
  return fail(value, 'number');
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

export function toBooleanValue(value: unknown): unknown {
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === '') return null;
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    return fail(value, 'boolean');
  }
  if (value === 1 || value === 0) return value === 1;
  return fail(value, 'boolean');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toObjectValue(value: unknown): unknown {
  if (isPlainObject(value) || value === null) return value;
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // falls through to the conversion error
    }
  }
  return fail(value, 'object');
}

function arrayOf(item: Converter, type: string): Converter {
  return (value) => {
    if (value === null) return null;
    const items = Array.isArray(value) ? value : [value];
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      const converted = item(items[i]);
      if (converted instanceof Failure) return new Failure(`${type} item ${i}: ${converted.message}`);
      out[i] = converted;
    }
    return out;
  };
}

const CONVERTERS: Record<DataType, Converter> = {
  string: toStringValue,
  number: toNumberValue,
  boolean: toBooleanValue,
  object: toObjectValue,
  stringarray: arrayOf(toStringValue, 'stringarray'),
  numberarray: arrayOf(toNumberValue, 'numberarray'),
  booleanarray: arrayOf(toBooleanValue, 'booleanarray'),
  objectarray: arrayOf(toObjectValue, 'objectarray'),
};

/**
 * The converter of a data type.
 *
 * @example converterFor('number')(' 42 ') // 42
 * @example converterFor('number')('abc')  // Failure('cannot convert a string ("abc") to number')
 * @example converterFor('stringarray')(7) // ['7']
 */
export function converterFor(type: DataType): Converter {
  return CONVERTERS[type];
}
