import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { compileChecker, createAjv } from '../validation.js';
import { ImportMappingSpec } from './schema.js';

const check = compileChecker<ImportMappingSpec>(createAjv('strict'), ImportMappingSpec);

describe('ImportMappingSpec schema', () => {
  it('accepts the seed import mapping', () => {
    const spec = { mapping: { fields: [{ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' }] } };
    expect(check(spec)).toEqual({ ok: true, value: spec });
  });

  it('accepts lists, nested typed mappings and both lookup kinds', () => {
    const spec = {
      mapping: { lists: [{ generate: 'items', fields: [{ extract: 'lines[*].sku', generate: 'sku', dataType: 'string', discardIfEmpty: true }] }] },
      mappings: [
        {
          generate: 'lines',
          dataType: 'objectarray',
          extract: '$.lines',
          mappings: [{ generate: 'at', dataType: 'string', extract: '$.at', extractDateFormat: 'YYYY-MM-DD', extractDateTimezone: 'Europe/Oslo' }],
        },
      ],
      lookups: [
        { name: 'status', map: { A: 'active', B: null }, default: 'other', allowFailures: false },
        { name: 'customer', relativeURI: '/customers?email={{key}}', method: 'GET', extract: 'data[0].id', allowFailures: true },
      ],
    };
    expect(check(spec).ok).toBe(true);
  });

  it.each([
    [{ mapping: { fields: [{ extract: 'a', generate: 'b', extra: 1 }] } }, 'mapping.fields.0.extra'],
    [{ mapping: { fields: [{ extract: 'a' }] } }, 'mapping.fields.0.generate'],
    [{ mappings: [{ generate: 'a', extract: '$.a' }] }, 'mappings.0.dataType'],
    [{ mappings: [{ generate: 'a', dataType: 'date' }] }, 'mappings.0.dataType'],
    [{ mappings: [{ generate: 'a', dataType: 'object', mappings: [{ generate: 'b', dataType: 'string', bogus: true }] }] }, 'mappings.0.mappings.0.bogus'],
    [{ lookups: [{ name: 'x', map: { a: { nested: true } } }] }, 'lookups.0'],
    [{ other: true }, 'other'],
  ])('refuses %j, naming %s', (spec, field) => {
    const result = check(spec);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.details.map((d) => d.field)).toContain(field);
  });

  it('can be embedded in other schemas of the same validator', () => {
    const ajv = createAjv('strict');
    const importModel = Type.Object({ name: Type.String(), ...ImportMappingSpec.properties }, { additionalProperties: false });
    compileChecker(ajv, ImportMappingSpec);
    const checkImport = compileChecker(ajv, importModel);
    expect(checkImport({ name: 'heartbeat', mappings: [{ generate: 'a', dataType: 'object', mappings: [{ generate: 'b', dataType: 'string', extract: '$.b' }] }] }).ok).toBe(true);
  });
});
