import { describe, expect, it } from 'vitest';
import { compileMapping, type ImportMappingSpec } from './index.js';

/** The examples of the module documentation (index.ts), run as written. */
describe('documented examples', () => {
  const run = (spec: ImportMappingSpec, record: unknown) => {
    const compiled = compileMapping(spec);
    if (compiled.isAsync) throw new Error('expected a synchronous mapping');
    return compiled.map(record);
  };

  it('classic fields (seed 004)', () => {
    const spec: ImportMappingSpec = { mapping: { fields: [{ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' }] } };
    expect(run(spec, { timestamp: 1512012818751 })).toEqual({ ok: true, record: { timestamp: 1512012818751, key: 'sqs_flow' } });
  });

  it('templates, nested targets, lists and a static lookup', () => {
    const spec: ImportMappingSpec = {
      mapping: {
        fields: [
          { extract: '{first_name} {last_name}', generate: 'customer.name' },
          { extract: 'status', generate: 'customer.status', lookupName: 'status' },
        ],
        lists: [{ generate: 'items', fields: [{ extract: 'lines[*].sku', generate: 'sku' }, { extract: 'lines[*].qty', generate: 'quantity', dataType: 'number' }] }],
      },
      lookups: [{ name: 'status', map: { A: 'active', I: 'inactive' } }],
    };
    expect(run(spec, { first_name: 'Ada', last_name: 'L', status: 'A', lines: [{ sku: 'x', qty: '2' }] })).toEqual({
      ok: true,
      record: { customer: { name: 'Ada L', status: 'active' }, items: [{ sku: 'x', quantity: 2 }] },
    });
  });

  it('typed mappings with dates in time zones and nested arrays', () => {
    const spec: ImportMappingSpec = {
      mappings: [
        { generate: 'startedAt', dataType: 'string', extract: '$.start', extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' },
        {
          generate: 'lines',
          dataType: 'objectarray',
          extract: '$.lines',
          mappings: [
            { generate: 'sku', dataType: 'string', extract: '$.sku' },
            { generate: 'label', dataType: 'string', extract: '{{sku}} for {{$$.customer}}' },
          ],
        },
      ],
    };
    expect(run(spec, { start: '2017-11-30 03:33', customer: 'c1', lines: [{ sku: 'x' }] })).toEqual({
      ok: true,
      record: { startedAt: '2017-11-30T11:33:00.000Z', lines: [{ sku: 'x', label: 'x for c1' }] },
    });
  });
});
