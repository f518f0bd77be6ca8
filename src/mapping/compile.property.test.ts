import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMapping, type MappingResult } from './compile.js';
import { FORBIDDEN_KEYS, parsePath, readPath } from './path.js';
import type { ImportMappingSpec } from './schema.js';

/** A key in the quoted bracket form, which takes any text. */
const bracket = (key: string) => `["${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`;

function mapSync(spec: ImportMappingSpec, record: unknown): MappingResult {
  const compiled = compileMapping(spec);
  if (compiled.isAsync) throw new Error('expected a synchronous mapping');
  return compiled.map(record);
}

const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !FORBIDDEN_KEYS.has(k));

describe('properties', () => {
  it('an identity mapping of any flat keys returns the same values', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue(), { maxKeys: 8 }), (record) => {
        const spec: ImportMappingSpec = { mapping: { fields: Object.keys(record).map((k) => ({ extract: bracket(k), generate: bracket(k) })) } };
        const result = mapSync(spec, record);
        expect(result).toEqual({ ok: true, record });
        expect(Object.keys(result.record)).toEqual(Object.keys(record));
      }),
      { numRuns: 300 },
    );
  });

  it('compiled reads agree with the reference reader on any value', () => {
    const segment = fc.constantFrom('a', 'b', 'toString', 'length', '0', '[0]', '[1]', '[*]');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.map((p, i) => (p.startsWith('[') ? p : i === 0 ? p : `.${p}`)).join(''));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.dictionary(fc.constantFrom('a', 'b', 'toString', 'length', '0'), tie('node'), { maxKeys: 3 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    fc.assert(
      fc.property(path, fc.dictionary(fc.constantFrom('a', 'b', 'toString', 'length', '0'), value, { maxKeys: 4 }), (text, record) => {
        const expected = readPath(record, parsePath(text, 'x'));
        const result = mapSync({ mapping: { fields: [{ extract: text, generate: 'x' }] } }, record);
        expect(result).toEqual({ ok: true, record: expected === undefined ? {} : { x: expected } });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any JSON input, and always returns JSON records', () => {
    const spec: ImportMappingSpec = {
      mapping: {
        fields: [
          { extract: 'id', generate: 'id', dataType: 'string' },
          { extract: 'a.b[0].c', generate: 'deep.c', dataType: 'number' },
          { extract: '{first} {last}', generate: 'name' },
          { extract: 'tags[*]', generate: 'tags', dataType: 'stringarray' },
          { extract: 'flag', generate: 'flag', dataType: 'boolean', default: false },
          { extract: 'at', generate: 'at', extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' },
          { extract: 'status', generate: 'status', lookupName: 'status' },
          { extract: 'obj', generate: 'obj', dataType: 'object', discardIfEmpty: true },
          { generate: 'fixed', hardCodedValue: 'x' },
        ],
        lists: [{ generate: 'items', fields: [{ extract: 'lines[*].sku', generate: 'sku' }, { extract: 'lines[*].qty', generate: 'qty', dataType: 'number' }] }],
      },
      mappings: [
        {
          generate: 'lines',
          dataType: 'objectarray',
          extract: '$.lines',
          mappings: [
            { generate: 'sku', dataType: 'string', extract: '$.sku' },
            { generate: 'root', dataType: 'string', extract: '{{$$.id}}/{{sku}}' },
          ],
        },
        { generate: 'customer', dataType: 'object', extract: '$.a', mappings: [{ generate: 'b', dataType: 'objectarray', extract: '$.b' }] },
      ],
      lookups: [{ name: 'status', map: { A: 'active' } }],
    };
    const compiled = compileMapping(spec);
    if (compiled.isAsync) throw new Error('expected a synchronous mapping');
    const interesting = fc.record(
      {
        id: fc.jsonValue(),
        a: fc.jsonValue(),
        first: fc.jsonValue(),
        last: fc.jsonValue(),
        tags: fc.jsonValue(),
        flag: fc.jsonValue(),
        at: fc.oneof(fc.jsonValue(), fc.constant('2017-11-30 03:33')),
        status: fc.jsonValue(),
        obj: fc.jsonValue(),
        lines: fc.oneof(fc.jsonValue(), fc.array(fc.record({ sku: fc.jsonValue(), qty: fc.jsonValue() }, { requiredKeys: [] }))),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), interesting), (input) => {
        const result = compiled.map(input);
        expect(typeof result.ok).toBe('boolean');
        const text = JSON.stringify(result.record);
        expect(JSON.stringify(JSON.parse(text))).toBe(text);
        if (!result.ok) for (const error of result.errors) expect(error.field).toMatch(/^[a-z]/);
      }),
      { numRuns: 1000 },
    );
  });
});
