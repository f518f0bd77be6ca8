import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compileMapping, MappingError, type MappingResult } from '../../../src/mapping/index.js';
import type { ImportMappingSpec } from '../../../src/mapping/schema.js';

// Properties of the mapping compiler (src/mapping). It generates JavaScript from user text, so
// the first property is that no extract/generate text can become code. Identity, reference reads
// and never-throw on records are already properties in src/mapping/compile.property.test.ts.

const globals = globalThis as Record<string, unknown>;
afterEach(() => {
  delete globals.__pwned;
});

/** Text built from the characters that break out of JavaScript strings, templates and paths. */
const hostileText = fc.string({ unit: fc.constantFrom('"', "'", '`', '\\', '$', '{', '}', '[', ']', '(', ')', ';', '.', '*', ' ', '\n', 'a', 'x', '0', '/', '__proto__', 'globalThis.__pwned=1', '${', '}}', '{{'), maxLength: 20 });

function run(spec: ImportMappingSpec, record: unknown): MappingResult | 'refused' {
  let compiled;
  try {
    compiled = compileMapping(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return 'refused';
  }
  if (compiled.isAsync) throw new Error('expected a synchronous mapping');
  return compiled.map(record);
}

describe('mapping: properties', () => {
  it('compiles any extract/generate text into a mapping or a MappingError, and no text ever runs as code', () => {
    fc.assert(
      fc.property(hostileText, hostileText, fc.constantFrom(undefined, 'string', 'number', 'stringarray', 'object'), (extract, generate, dataType) => {
        const spec = { mapping: { fields: [{ extract, generate, ...(dataType ? { dataType } : {}) }] } } as ImportMappingSpec;
        const result = run(spec, { a: 1, x: 'y', [extract]: 'value' });
        if (result !== 'refused') expect(JSON.parse(JSON.stringify(result.record))).toEqual(result.record);
        const typed = run({ mappings: [{ generate: generate || 'g', dataType: 'string', extract }] } as ImportMappingSpec, { a: 1 });
        if (typed !== 'refused') expect(typeof typed.ok).toBe('boolean');
        expect(globals.__pwned).toBeUndefined();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
    );
  });

  it('a rename to a nested target equals a reference setter', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    fc.assert(
      fc.property(key, fc.array(key, { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), (source, target, value) => {
        const result = run({ mapping: { fields: [{ extract: source, generate: target.join('.') }] } }, { [source]: value });
        if (result === 'refused') throw new Error('a plain rename was refused');
        const expected: Record<string, unknown> = {};
        let node = expected;
        target.slice(0, -1).forEach((part) => (node = node[part] = {} as Record<string, unknown>));
        node[target.at(-1)!] = value;
        // A missing (undefined) or null source may be left out; anything else lands exactly there.
        if (value !== null) expect(result.record).toEqual(expected);
      }),
    );
  });

  it('never changes the input record, and mapping twice gives the same result', () => {
    const spec: ImportMappingSpec = {
      mapping: {
        fields: [
          { extract: 'id', generate: 'id', dataType: 'string' },
          { extract: 'tags[*]', generate: 'tags', dataType: 'stringarray' },
          { extract: '{first} {last}', generate: 'name' },
          { extract: 'nested.value', generate: 'out.value', dataType: 'number' },
        ],
        lists: [{ generate: 'items', fields: [{ extract: 'lines[*].sku', generate: 'sku' }] }],
      },
    };
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('id', 'tags', 'first', 'last', 'nested', 'lines', 'other'), fc.jsonValue({ maxDepth: 3 })), (record) => {
        const before = structuredClone(record);
        const first = run(spec, record);
        const second = run(spec, record);
        expect(record).toEqual(before);
        expect(second).toEqual(first);
      }),
    );
  });

  it('a hard-coded value comes out verbatim whatever the record', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 2 }), (text, record) => {
        const result = run({ mapping: { fields: [{ generate: 'fixed', hardCodedValue: text }] } }, record);
        if (result === 'refused') throw new Error('a hard-coded value was refused');
        expect(result.record.fixed).toBe(text);
      }),
    );
  });
});
