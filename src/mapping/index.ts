/**
 * The mapping engine of imports: a spec (classic `mapping.fields/lists`, typed `mappings`,
 * `lookups`) compiled once into a plain per-record function.
 *
 * @example Classic fields (seed 004)
 * const m = compileMapping({ mapping: { fields: [
 *   { extract: 'timestamp', generate: 'timestamp' },
 *   { generate: 'key', hardCodedValue: 'sqs_flow' },
 * ] } });
 * m.map({ timestamp: 1512012818751 }); // { ok: true, record: { timestamp: 1512012818751, key: 'sqs_flow' } }
 *
 * @example Templates, nested targets, lists and a static lookup
 * compileMapping({
 *   mapping: {
 *     fields: [
 *       { extract: '{first_name} {last_name}', generate: 'customer.name' },
 *       { extract: 'status', generate: 'customer.status', lookupName: 'status' },
 *     ],
 *     lists: [{ generate: 'items', fields: [{ extract: 'lines[*].sku', generate: 'sku' }, { extract: 'lines[*].qty', generate: 'quantity', dataType: 'number' }] }],
 *   },
 *   lookups: [{ name: 'status', map: { A: 'active', I: 'inactive' } }],
 * });
 * // { first_name: 'Ada', last_name: 'L', status: 'A', lines: [{ sku: 'x', qty: '2' }] }
 * // → { customer: { name: 'Ada L', status: 'active' }, items: [{ sku: 'x', quantity: 2 }] }
 *
 * @example Typed mappings with dates in time zones and nested arrays
 * compileMapping({ mappings: [
 *   { generate: 'startedAt', dataType: 'string', extract: '$.start', extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' },
 *   { generate: 'lines', dataType: 'objectarray', extract: '$.lines', mappings: [
 *     { generate: 'sku', dataType: 'string', extract: '$.sku' },
 *     { generate: 'label', dataType: 'string', extract: '{{sku}} for {{$$.customer}}' },
 *   ] },
 * ] });
 * // { start: '2017-11-30 03:33', customer: 'c1', lines: [{ sku: 'x' }] }
 * // → { startedAt: '2017-11-30T11:33:00.000Z', lines: [{ sku: 'x', label: 'x for c1' }] }
 */
export { type CompiledMapping, type CompileOptions, compileMapping, type MappingFieldError, type MappingResult } from './compile.js';
export { converterFor, DATA_TYPES } from './convert.js';
export { compileDateConversion, type DateOptions } from './dates.js';
export { Failure, MappingError } from './errors.js';
export { type DynamicLookupFn, type LookupStats } from './lookups.js';
export {
  DataType,
  DynamicLookup,
  ImportMappingSpec,
  Lookup,
  Mapping,
  MappingField,
  MappingList,
  MappingRule,
  StaticLookup,
} from './schema.js';
