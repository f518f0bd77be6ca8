import { describe, expect, it } from 'vitest';
import { compileMapping, type MappingResult } from './compile.js';
import { MappingError } from './errors.js';
import type { ImportMappingSpec, MappingField } from './schema.js';

/** Compiles a synchronous mapping and maps one record. */
function mapSync(spec: ImportMappingSpec, record: unknown): MappingResult {
  const compiled = compileMapping(spec);
  if (compiled.isAsync) throw new Error('expected a synchronous mapping');
  return compiled.map(record);
}

const fields = (...list: MappingField[]): ImportMappingSpec => ({ mapping: { fields: list } });

function compileError(spec: ImportMappingSpec): MappingError {
  try {
    compileMapping(spec);
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error('expected a MappingError');
}

describe('classic fields', () => {
  it('maps the seed import (extract + hardCodedValue)', () => {
    const spec = fields({ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' });
    expect(mapSync(spec, { timestamp: 1512012818751 })).toEqual({ ok: true, record: { timestamp: 1512012818751, key: 'sqs_flow' } });
  });

  it('compiles to a synchronous function when there is no expression or dynamic lookup', () => {
    const compiled = compileMapping(fields({ extract: 'a', generate: 'b' }));
    expect(compiled.isAsync).toBe(false);
    expect(compiled.map({ a: 1 })).not.toBeInstanceOf(Promise);
  });

  it('leaves a field out, without an error, when its source is missing', () => {
    const spec = fields({ extract: 'a', generate: 'a' }, { extract: 'nope.deeper', generate: 'b' }, { extract: 'c', generate: 'c' });
    expect(mapSync(spec, { a: 1 })).toEqual({ ok: true, record: { a: 1 } });
  });

  it('writes null when the source says null', () => {
    expect(mapSync(fields({ extract: 'a', generate: 'x.y' }), { a: null })).toEqual({ ok: true, record: { x: { y: null } } });
  });

  it.each([
    ['address.city', { address: { city: 'Oslo' } }, 'Oslo'],
    ['lines[0].sku', { lines: [{ sku: 'a' }, { sku: 'b' }] }, 'a'],
    ['lines[1]', { lines: ['a', 'b'] }, 'b'],
    ['lines[*].sku', { lines: [{ sku: 'a' }, { qty: 1 }, { sku: 'b' }] }, ['a', 'b']],
    ['orders[*].lines[*].sku', { orders: [{ lines: [{ sku: 'a' }, { sku: 'b' }] }, { lines: [{ sku: 'c' }] }] }, ['a', 'b', 'c']],
    ['$.address.city', { address: { city: 'Lima' } }, 'Lima'],
    ['Trial Start', { 'Trial Start': '2017-09-15T14:02:00.000-07:00' }, '2017-09-15T14:02:00.000-07:00'],
    ['["Trial Start"]', { 'Trial Start': 'x' }, 'x'],
    ["meta['a.b']", { meta: { 'a.b': 'dotted' } }, 'dotted'],
    ['toString', { toString: 'own data' }, 'own data'],
    ['list.length', { list: { length: 3 } }, 3],
  ])('reads %s', (extract, record, expected) => {
    expect(mapSync(fields({ extract, generate: 'out' }), record)).toEqual({ ok: true, record: { out: expected } });
  });

  it.each([
    ['toString', {}],
    ['name.length', { name: 'abc' }],
    ['list.map', { list: [] }],
    ['a.b', { a: 'text' }],
    ['a[0]', { a: 5 }],
  ])('never reads inherited members or through primitives: %s', (extract, record) => {
    expect(mapSync(fields({ extract, generate: 'out' }), record)).toEqual({ ok: true, record: {} });
  });

  it('creates nested objects and arrays on the way to the target', () => {
    const spec = fields(
      { extract: 'city', generate: 'customer.address.city' },
      { extract: 'zip', generate: 'customer.address.zip' },
      { extract: 'name', generate: 'customer.name' },
      { extract: 'tag', generate: 'tags[0]' },
      { extract: 'tag2', generate: 'tags[1].label' },
    );
    expect(mapSync(spec, { city: 'Oslo', zip: '0150', name: 'Ada', tag: 't', tag2: 'u' })).toEqual({
      ok: true,
      record: { customer: { address: { city: 'Oslo', zip: '0150' }, name: 'Ada' }, tags: ['t', { label: 'u' }] },
    });
    // Nothing is created for fields whose source is missing.
    expect(mapSync(spec, { name: 'Ada' })).toEqual({ ok: true, record: { customer: { name: 'Ada' } } });
  });

  it('renders templates with single braces, and leaves the field out when every placeholder is missing', () => {
    const spec = fields({ extract: '{first_name} {last_name}', generate: 'name' }, { extract: 'Order {id}: {total} ({address.city})', generate: 'label' });
    expect(mapSync(spec, { first_name: 'Ada', last_name: 'Lovelace', id: 7, total: 1.5, address: { city: 'London' } })).toEqual({
      ok: true,
      record: { name: 'Ada Lovelace', label: 'Order 7: 1.5 (London)' },
    });
    expect(mapSync(spec, { first_name: 'Ada' })).toEqual({ ok: true, record: { name: 'Ada ' } });
    expect(mapSync(spec, { id: 7 })).toEqual({ ok: true, record: { label: 'Order 7:  ()' } });
    expect(mapSync(spec, {})).toEqual({ ok: true, record: {} });
  });

  it('also accepts {{double}} braces in classic templates', () => {
    expect(mapSync(fields({ extract: '{{a}}-{{b.c}}', generate: 'x' }), { a: 1, b: { c: true } })).toEqual({ ok: true, record: { x: '1-true' } });
  });

  it('writes hardCodedValue whatever the record, null included', () => {
    const spec = fields({ generate: 'a', hardCodedValue: 42 }, { generate: 'b', hardCodedValue: false }, { generate: 'c', hardCodedValue: null });
    expect(mapSync(spec, 'not even an object')).toEqual({ ok: true, record: { a: 42, b: false, c: null } });
  });

  it('converts with dataType and names the field that fails, mapping the others', () => {
    const spec = fields({ extract: 'a', generate: 'a' }, { extract: 'qty', generate: 'line.quantity', dataType: 'number' }, { extract: 'ok', generate: 'flag', dataType: 'boolean' });
    expect(mapSync(spec, { a: 1, qty: 'three', ok: 'yes' })).toEqual({
      ok: false,
      record: { a: 1, flag: true },
      errors: [{ field: 'line.quantity', code: 'conversion', message: 'cannot convert a string ("three") to number' }],
    });
    expect(mapSync(spec, { a: 1, qty: ' 3 ', ok: 'no' })).toEqual({ ok: true, record: { a: 1, line: { quantity: 3 }, flag: false } });
  });

  it('applies default when the source is missing or null, converted like a value', () => {
    const spec = fields({ extract: 'qty', generate: 'qty', dataType: 'number', default: '1' }, { generate: 'only', default: 'd' });
    expect(mapSync(spec, {})).toEqual({ ok: true, record: { qty: 1, only: 'd' } });
    expect(mapSync(spec, { qty: null })).toEqual({ ok: true, record: { qty: 1, only: 'd' } });
    expect(mapSync(spec, { qty: '5' })).toEqual({ ok: true, record: { qty: 5, only: 'd' } });
  });

  it('discardIfEmpty leaves out null, empty text and empty arrays', () => {
    const spec = fields({ extract: 'a', generate: 'a', discardIfEmpty: true });
    for (const a of [null, '', []]) expect(mapSync(spec, { a })).toEqual({ ok: true, record: {} });
    expect(mapSync(spec, { a: 0 })).toEqual({ ok: true, record: { a: 0 } });
  });

  it('maps fields of the seed export records (keys with spaces, dates with offsets)', () => {
    const spec = fields(
      { extract: 'Trial Start', generate: 'trial.start', extractDateFormat: 'iso' },
      { extract: 'custrecord_usage_diy_name', generate: 'user.name' },
      { extract: 'custrecord_usage_diy_hours', generate: 'user.hours', dataType: 'string' },
      { extract: 'custrecord_usage_diy_company', generate: 'user.company' },
    );
    const record = { recType: '813', 'Trial Start': '2017-09-15T14:02:00.000-07:00', custrecord_usage_diy_name: 'Ko Doe', custrecord_usage_diy_hours: 7 };
    expect(mapSync(spec, record)).toEqual({ ok: true, record: { trial: { start: '2017-09-15T21:02:00.000Z' }, user: { name: 'Ko Doe', hours: '7' } } });
  });
});

describe('classic lists', () => {
  const spec: ImportMappingSpec = {
    mapping: {
      fields: [{ extract: 'id', generate: 'orderId' }],
      lists: [
        {
          generate: 'items',
          fields: [
            { extract: 'lines[*].sku', generate: 'sku' },
            { extract: 'lines[*].qty', generate: 'quantity', dataType: 'number' },
            { extract: 'lines[*].dims.w', generate: 'size.width' },
            { extract: '{lines[*].sku} of {id}', generate: 'label' },
            { extract: 'currency', generate: 'currency' },
            { generate: 'kind', hardCodedValue: 'line' },
          ],
        },
      ],
    },
  };

  it('builds one output item per source item, repeating record-level values', () => {
    const record = { id: 'o1', currency: 'EUR', lines: [{ sku: 'a', qty: '2', dims: { w: 3 } }, { sku: 'b', qty: 1 }] };
    expect(mapSync(spec, record)).toEqual({
      ok: true,
      record: {
        orderId: 'o1',
        items: [
          { sku: 'a', quantity: 2, size: { width: 3 }, label: 'a of o1', currency: 'EUR', kind: 'line' },
          { sku: 'b', quantity: 1, label: 'b of o1', currency: 'EUR', kind: 'line' },
        ],
      },
    });
  });

  it('names the item of a failed field', () => {
    const result = mapSync(spec, { id: 'o1', lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 'x' }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([{ field: 'items[1].quantity', code: 'conversion', message: 'cannot convert a string ("x") to number' }]);
    expect(result.record.items).toEqual([
      { sku: 'a', quantity: 1, label: 'a of o1', kind: 'line' },
      { sku: 'b', label: 'b of o1', kind: 'line' },
    ]);
  });

  it('leaves the list out when its source array is missing, and writes [] for an empty one', () => {
    expect(mapSync(spec, { id: 'o1' })).toEqual({ ok: true, record: { orderId: 'o1' } });
    expect(mapSync(spec, { id: 'o1', lines: [] })).toEqual({ ok: true, record: { orderId: 'o1', items: [] } });
  });

  it('treats a single object where an array was expected as one item', () => {
    expect(mapSync(spec, { id: 'o1', lines: { sku: 'a', qty: 1 } }).record.items).toEqual([{ sku: 'a', quantity: 1, label: 'a of o1', kind: 'line' }]);
  });

  it('zips several source arrays by position', () => {
    const zipped = { mapping: { lists: [{ generate: 'pairs', fields: [{ extract: 'a[*]', generate: 'left' }, { extract: 'b[*]', generate: 'right' }] }] } };
    expect(mapSync(zipped, { a: [1, 2, 3], b: ['x'] })).toEqual({ ok: true, record: { pairs: [{ left: 1, right: 'x' }, { left: 2 }, { left: 3 }] } });
  });

  it('builds a single item when no field names a source array', () => {
    const single = { mapping: { lists: [{ generate: 'contacts', fields: [{ extract: 'email', generate: 'email' }] }] } };
    expect(mapSync(single, { email: 'a@example.com' })).toEqual({ ok: true, record: { contacts: [{ email: 'a@example.com' }] } });
  });
});

describe('compile errors (MappingError, code MAPPING_INVALID)', () => {
  it.each<[string, ImportMappingSpec, string]>([
    ['forbidden key', fields({ extract: 'a.__proto__.b', generate: 'x' }), 'x: the path "a.__proto__.b" uses the forbidden key "__proto__"'],
    ['forbidden target', fields({ extract: 'a', generate: 'constructor.prototype' }), 'constructor.prototype: the path "constructor.prototype" uses the forbidden key "constructor"'],
    ['wildcard target', fields({ extract: 'a', generate: 'x[*]' }), 'x[*]: the path "x[*]" may not use [*] here'],
    ['empty segment', fields({ extract: 'a..b', generate: 'x' }), 'x: the path "a..b" has an empty segment'],
    ['unknown lookup', fields({ extract: 'a', generate: 'x', lookupName: 'nope' }), 'x: there is no lookup named "nope"'],
    ['two sources', fields({ extract: 'a', generate: 'x', hardCodedValue: 1 }), 'x: give only one of extract, hardCodedValue and expression'],
    ['no source', fields({ generate: 'x' }), 'x: give one of extract, hardCodedValue, expression or default'],
    ['same target', fields({ extract: 'a', generate: 'x' }, { extract: 'b', generate: 'x' }), 'x: it writes the same target as "x"'],
    ['target inside another', fields({ extract: 'a', generate: 'x' }, { extract: 'b', generate: 'x.y' }), 'x.y: it writes inside the value of "x"'],
    ['bad constant', fields({ generate: 'x', hardCodedValue: 'abc', dataType: 'number' }), 'x: the constant value: cannot convert a string ("abc") to number'],
    ['bad date format', fields({ extract: 'a', generate: 'x', extractDateFormat: 'YYYY-mm-dd' }), 'x: the date format "YYYY-mm-dd" uses "d", which is not a supported token (YYYY MM DD HH mm ss SSS Z ZZ)'],
    ['bad time zone', fields({ extract: 'a', generate: 'x', extractDateTimezone: 'Mars/Olympus' }), 'x: "Mars/Olympus" is not an IANA time zone (e.g. America/Los_Angeles)'],
    ['bad expression', fields({ expression: 'a +', generate: 'x' }), 'x: The expression "a +" is not valid JSONata'],
    ['unclosed template', fields({ extract: '{a} {b', generate: 'x' }), 'x: the template "{a} {b" has an unclosed {'],
    ['bad list field', { mapping: { lists: [{ generate: 'items', fields: [{ extract: 'lines[*].q', generate: 'q', dataType: 'number', default: 'many' }] }] } }, 'items[].q: the default: cannot convert'],
  ])('%s', (_, spec, message) => {
    const error = compileError(spec);
    expect(error.code).toBe('MAPPING_INVALID');
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('generated code', () => {
  it('holds user text only as quoted property names', () => {
    const nasty = '"]; process.exit(1); //';
    const compiled = compileMapping(fields({ extract: `["${nasty.replaceAll('"', '\\"')}"]`, generate: `["${nasty.replaceAll('"', '\\"')}"]` }, { generate: 'k', hardCodedValue: '`${process.exit(1)}`' }));
    expect(compiled.source).not.toContain('${process');
    expect(compiled.isAsync).toBe(false);
    if (!compiled.isAsync) expect(compiled.map({ [nasty]: 1 })).toEqual({ ok: true, record: { [nasty]: 1, k: '`${process.exit(1)}`' } });
  });

  it('reads a prefix shared by several fields once per record', () => {
    const compiled = compileMapping(fields({ extract: 'address.city', generate: 'city' }, { extract: 'address.zip', generate: 'zip' }));
    expect(compiled.source.match(/\["address"\]/g)).toHaveLength(1);
  });
});
