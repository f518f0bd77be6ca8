import { describe, expect, it } from 'vitest';
import { compileMapping, type MappingResult } from './compile.js';
import { MappingError } from './errors.js';
import type { ImportMappingSpec, MappingRule } from './schema.js';

function mapSync(spec: ImportMappingSpec, record: unknown): MappingResult {
  const compiled = compileMapping(spec);
  if (compiled.isAsync) throw new Error('expected a synchronous mapping');
  return compiled.map(record);
}

const rules = (...mappings: MappingRule[]): ImportMappingSpec => ({ mappings });

describe('typed mappings', () => {
  it('reads $ paths, renders {{templates}} and writes literals', () => {
    const spec = rules(
      { generate: 'city', dataType: 'string', extract: '$.address.city' },
      { generate: 'name', dataType: 'string', extract: '{{first_name}} {{ last_name }}' },
      { generate: 'raw', dataType: 'string', extract: '{{{first_name}}}!' },
      { generate: 'start', dataType: 'string', extract: '$["Trial Start"]' },
      { generate: 'source', dataType: 'string', extract: 'switchyard' },
      { generate: 'version', dataType: 'number', extract: '2' },
      { generate: 'whole', dataType: 'object', extract: '$' },
    );
    const record = { first_name: 'Ada', last_name: 'Lovelace', address: { city: 'London' }, 'Trial Start': 'x' };
    expect(mapSync(spec, record)).toEqual({
      ok: true,
      record: { city: 'London', name: 'Ada Lovelace', raw: 'Ada!', start: 'x', source: 'switchyard', version: 2, whole: record },
    });
  });

  it.each<[MappingRule['dataType'], unknown, unknown]>([
    ['string', 42, '42'],
    ['string', true, 'true'],
    ['string', { a: 1 }, '{"a":1}'],
    ['number', '42.5', 42.5],
    ['number', true, 1],
    ['number', '', null],
    ['boolean', 'YES', true],
    ['boolean', '0', false],
    ['boolean', 1, true],
    ['object', '{"a":1}', { a: 1 }],
    ['stringarray', 7, ['7']],
    ['numberarray', ['1', 2], [1, 2]],
    ['booleanarray', 'true', [true]],
    ['objectarray', { a: 1 }, [{ a: 1 }]],
    ['number', null, null],
  ])('converts to %s: %j → %j', (dataType, value, expected) => {
    expect(mapSync(rules({ generate: 'x', dataType, extract: '$.v' }), { v: value })).toEqual({ ok: true, record: { x: expected } });
  });

  it.each<[MappingRule['dataType'], unknown, string]>([
    ['number', 'abc', 'cannot convert a string ("abc") to number'],
    ['number', 'NaN', 'cannot convert a string ("NaN") to number'],
    ['number', 'Infinity', 'cannot convert a string ("Infinity") to number'],
    ['number', [1], 'cannot convert an array ([1]) to number'],
    ['boolean', 'maybe', 'cannot convert a string ("maybe") to boolean'],
    ['boolean', 2, 'cannot convert a number (2) to boolean'],
    ['object', [1], 'cannot convert an array ([1]) to object'],
    ['numberarray', ['1', 'x'], 'numberarray item 1: cannot convert a string ("x") to number'],
  ])('refuses %s from %j', (dataType, value, message) => {
    expect(mapSync(rules({ generate: 'x', dataType, extract: '$.v' }, { generate: 'y', dataType: 'string', extract: '$.y' }), { v: value, y: 'kept' })).toEqual({
      ok: false,
      record: { y: 'kept' },
      errors: [{ field: 'x', code: 'conversion', message }],
    });
  });

  it('collects $.lines[*].sku into an array', () => {
    expect(mapSync(rules({ generate: 'skus', dataType: 'stringarray', extract: '$.lines[*].sku' }), { lines: [{ sku: 1 }, { sku: 'b' }] })).toEqual({
      ok: true,
      record: { skus: ['1', 'b'] },
    });
  });

  it('builds nested objects from child mappings, and leaves them out when nothing maps', () => {
    const spec = rules({
      generate: 'customer',
      dataType: 'object',
      mappings: [
        { generate: 'name', dataType: 'string', extract: '$.name' },
        { generate: 'address', dataType: 'object', extract: '$.addr', mappings: [{ generate: 'city', dataType: 'string', extract: '$.city' }] },
      ],
    });
    expect(mapSync(spec, { name: 'Ada', addr: { city: 'London' } })).toEqual({ ok: true, record: { customer: { name: 'Ada', address: { city: 'London' } } } });
    expect(mapSync(spec, { name: 'Ada' })).toEqual({ ok: true, record: { customer: { name: 'Ada' } } });
    expect(mapSync(spec, {})).toEqual({ ok: true, record: {} });
    expect(mapSync(spec, { addr: null })).toEqual({ ok: true, record: { customer: { address: null } } });
  });

  it('maps objectarray items with $ as the item and $$ as the record, naming failed items', () => {
    const spec = rules({
      generate: 'lines',
      dataType: 'objectarray',
      extract: '$.items',
      mappings: [
        { generate: 'sku', dataType: 'string', extract: '$.sku' },
        { generate: 'qty', dataType: 'number', extract: '$.qty' },
        { generate: 'order', dataType: 'string', extract: '$$.id' },
        { generate: 'label', dataType: 'string', extract: '{{sku}} of {{$$.id}}' },
        { generate: 'tags', dataType: 'objectarray', extract: '$.tags', mappings: [{ generate: 'name', dataType: 'string', extract: '$' }] },
      ],
    });
    expect(mapSync(spec, { id: 7, items: [{ sku: 'a', qty: '2', tags: ['x', 'y'] }, { sku: 'b', qty: 'many' }] })).toEqual({
      ok: false,
      record: {
        lines: [
          { sku: 'a', qty: 2, order: '7', label: 'a of 7', tags: [{ name: 'x' }, { name: 'y' }] },
          { sku: 'b', order: '7', label: 'b of 7' },
        ],
      },
      errors: [{ field: 'lines[1].qty', code: 'conversion', message: 'cannot convert a string ("many") to number' }],
    });
  });

  it('wraps an objectarray without extract around one object built from the record', () => {
    const spec = rules({ generate: 'contacts', dataType: 'objectarray', mappings: [{ generate: 'email', dataType: 'string', extract: '$.email' }] });
    expect(mapSync(spec, { email: 'a@example.com' })).toEqual({ ok: true, record: { contacts: [{ email: 'a@example.com' }] } });
  });

  it('uses default for a missing source, converted to the dataType', () => {
    const spec = rules(
      { generate: 'qty', dataType: 'number', extract: '$.qty', default: '1' },
      { generate: 'lines', dataType: 'objectarray', extract: '$.lines', default: [], mappings: [{ generate: 'a', dataType: 'string', extract: '$.a' }] },
    );
    expect(mapSync(spec, {})).toEqual({ ok: true, record: { qty: 1, lines: [] } });
  });

  it('parses and formats dates with time zones', () => {
    const spec = rules(
      { generate: 'utc', dataType: 'string', extract: '$.at', extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' },
      { generate: 'paris', dataType: 'string', extract: '$.at', extractDateTimezone: 'America/Los_Angeles', generateDateFormat: 'DD/MM/YYYY HH:mm Z', generateDateTimezone: 'Europe/Paris' },
      { generate: 'epoch', dataType: 'number', extract: '$.ts', generateDateFormat: 'epochSeconds' },
      { generate: 'bad', dataType: 'string', extract: '$.bad', extractDateFormat: 'MM/DD/YYYY' },
    );
    expect(mapSync(spec, { at: '2017-11-30 03:33', ts: 1512012818751, bad: '13/45/2017' })).toEqual({
      ok: false,
      record: { utc: '2017-11-30T11:33:00.000Z', paris: '30/11/2017 12:33 +01:00', epoch: 1512012818 },
      errors: [{ field: 'bad', code: 'date', message: 'cannot read "13/45/2017" as a date (expected MM/DD/YYYY)' }],
    });
  });

  it.each<[string, MappingRule, string]>([
    ['mappings on a scalar type', { generate: 'x', dataType: 'string', mappings: [] }, 'x: nested mappings need dataType object or objectarray, not string'],
    ['extract and expression', { generate: 'x', dataType: 'string', extract: '$.a', expression: 'a' }, 'x: give only one of extract and expression'],
    ['nothing to map', { generate: 'x', dataType: 'string' }, 'x: give extract, expression, mappings or default'],
    ['a bad literal', { generate: 'x', dataType: 'number', extract: 'ten' }, 'x: the constant value: cannot convert a string ("ten") to number'],
    [
      'a nested error',
      { generate: 'a', dataType: 'object', mappings: [{ generate: 'b', dataType: 'string', extract: '$.c', lookupName: 'nope' }] },
      'a.b: there is no lookup named "nope"',
    ],
    ['an unknown dataType', { generate: 'x', dataType: 'date' as MappingRule['dataType'], extract: '$.a' }, 'x: dataType must be one of'],
  ])('refuses %s at compile time', (_, rule, message) => {
    expect(() => compileMapping(rules(rule))).toThrow(MappingError);
    expect(() => compileMapping(rules(rule))).toThrow(message);
  });

  it('merges the classic and typed forms in one output', () => {
    const spec: ImportMappingSpec = { mapping: { fields: [{ extract: 'a', generate: 'a' }] }, mappings: [{ generate: 'b', dataType: 'string', extract: '$.b' }] };
    expect(mapSync(spec, { a: 1, b: 2 })).toEqual({ ok: true, record: { a: 1, b: '2' } });
  });
});
