import { describe, expect, it } from 'vitest';
import { converterFor, DATA_TYPES } from './convert.js';
import { Failure } from './errors.js';

describe('converters', () => {
  it.each([
    ['number', '0x1f', 31],
    ['number', '1e3', 1000],
    ['number', ' 0 ', 0],
    ['number', '   ', null],
    ['number', -0.5, -0.5],
    ['boolean', ' No ', false],
    ['boolean', 'TRUE', true],
    ['boolean', '', null],
    ['string', 0, '0'],
    ['string', [1, 'a'], '[1,"a"]'],
    ['object', ' {"a":1}', { a: 1 }],
    ['stringarray', null, null],
    ['objectarray', [{ a: 1 }, { b: 2 }], [{ a: 1 }, { b: 2 }]],
  ] as const)('%s of %j is %j', (type, value, expected) => {
    expect(converterFor(type)(value)).toEqual(expected);
  });

  it.each([
    ['number', Number.NaN, 'cannot convert a number (NaN) to number'],
    ['number', Number.POSITIVE_INFINITY, 'cannot convert a number (Infinity) to number'],
    ['number', '12abc', 'cannot convert a string ("12abc") to number'],
    ['number', { a: 1 }, 'cannot convert an object ({"a":1}) to number'],
    ['string', Number.NaN, 'cannot convert a number (NaN) to string'],
    ['object', '{"a":', 'cannot convert a string ("{\\"a\\":") to object'],
    ['object', 'text', 'cannot convert a string ("text") to object'],
    ['objectarray', [1], 'objectarray item 0: cannot convert a number (1) to object'],
  ] as const)('%s refuses %j', (type, value, message) => {
    const result = converterFor(type)(value);
    expect(result).toBeInstanceOf(Failure);
    expect((result as Failure).message).toBe(message);
  });

  it('passes null through every type', () => {
    for (const type of DATA_TYPES) expect(converterFor(type)(null)).toBeNull();
  });
});
