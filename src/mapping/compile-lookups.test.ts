import { describe, expect, it } from 'vitest';
import { compileMapping, type CompileOptions } from './compile.js';
import type { DynamicLookup, ImportMappingSpec, Lookup } from './schema.js';

const statuses: Lookup = { name: 'status', map: { A: 'active', I: 'inactive', '1': 'one', N: null } };

function mapSync(spec: ImportMappingSpec, record: unknown) {
  const compiled = compileMapping(spec);
  if (compiled.isAsync) throw new Error('expected a synchronous mapping');
  return compiled.map(record);
}

describe('static lookups', () => {
  const spec = (lookup: Partial<Lookup> = {}): ImportMappingSpec => ({
    mapping: { fields: [{ extract: 'status', generate: 'status', lookupName: 'status' }, { extract: 'id', generate: 'id' }] },
    lookups: [{ ...statuses, ...lookup } as Lookup],
  });

  it.each([
    ['A', 'active'],
    [1, 'one'],
    ['N', null],
    [['A', 'I'], ['active', 'inactive']],
  ])('translates %j → %j', (status, expected) => {
    expect(mapSync(spec(), { status, id: 1 })).toEqual({ ok: true, record: { status: expected, id: 1 } });
  });

  it('fails the field on a miss, naming the field and the lookup', () => {
    expect(mapSync(spec(), { status: 'X', id: 1 })).toEqual({
      ok: false,
      record: { id: 1 },
      errors: [{ field: 'status', code: 'lookup', message: 'lookup "status" has no entry for "X"' }],
    });
  });

  it('uses the default on a miss', () => {
    expect(mapSync(spec({ default: 'unknown' }), { status: 'X' })).toEqual({ ok: true, record: { status: 'unknown' } });
  });

  it('writes null on a miss with allowFailures', () => {
    expect(mapSync(spec({ allowFailures: true }), { status: 'X' })).toEqual({ ok: true, record: { status: null } });
  });

  it('treats prototype names as ordinary keys', () => {
    const lookup: Lookup = { name: 'status', map: JSON.parse('{"__proto__": "proto", "toString": "ts"}') as Record<string, string> };
    expect(mapSync(spec(lookup), { status: '__proto__' }).record).toEqual({ status: 'proto' });
    expect(mapSync(spec(lookup), { status: 'toString' }).record).toEqual({ status: 'ts' });
    expect(mapSync(spec(lookup), { status: 'valueOf' }).ok).toBe(false);
  });

  it('refuses two lookups with one name', () => {
    expect(() => compileMapping({ lookups: [statuses, statuses] })).toThrow('lookups[status]: two lookups have this name');
  });
});

describe('dynamic lookups', () => {
  const customer: DynamicLookup = { name: 'customer', relativeURI: '/customers?email={{key}}', extract: 'data[0].id' };

  function setup(lookup: DynamicLookup = customer, answers: Record<string, unknown> = { 'a@example.com': { data: [{ id: 'c1' }] }, 'b@example.com': { data: [] } }) {
    const calls: string[] = [];
    const options: CompileOptions = {
      dynamicLookup: async (l, key) => {
        calls.push(`${l.name}:${key}`);
        if (key === 'boom@example.com') throw new Error('upstream answered 500');
        return answers[key];
      },
    };
    const compiled = compileMapping({ mapping: { fields: [{ extract: 'email', generate: 'customerId', lookupName: 'customer' }] }, lookups: [lookup] }, options);
    return { compiled, calls };
  }

  it('makes the mapping asynchronous and resolves through the request', async () => {
    const { compiled } = setup();
    expect(compiled.isAsync).toBe(true);
    await expect(compiled.map({ email: 'a@example.com' })).resolves.toEqual({ ok: true, record: { customerId: 'c1' } });
  });

  it('caches by lookup and key for the life of the compiled mapping, and counts hits', async () => {
    const { compiled, calls } = setup();
    const results = await Promise.all(['a@example.com', 'a@example.com', 'a@example.com'].map((email) => compiled.map({ email })));
    await compiled.map({ email: 'a@example.com' });
    expect(results.map((r) => r.record)).toEqual([{ customerId: 'c1' }, { customerId: 'c1' }, { customerId: 'c1' }]);
    expect(calls).toEqual(['customer:a@example.com']);
    expect(compiled.lookupStats).toEqual({ requests: 1, cacheHits: 3 });
    // A second compiled mapping (the next run) asks again.
    const next = setup();
    await next.compiled.map({ email: 'a@example.com' });
    expect(next.calls).toEqual(['customer:a@example.com']);
  });

  it('fails the field when nothing is found, or uses default / null', async () => {
    await expect(setup().compiled.map({ email: 'b@example.com' })).resolves.toEqual({
      ok: false,
      record: {},
      errors: [{ field: 'customerId', code: 'lookup', message: 'lookup "customer" found nothing for "b@example.com"' }],
    });
    await expect(setup({ ...customer, default: 'walk-in' }).compiled.map({ email: 'b@example.com' })).resolves.toEqual({ ok: true, record: { customerId: 'walk-in' } });
    await expect(setup({ ...customer, allowFailures: true }).compiled.map({ email: 'b@example.com' })).resolves.toEqual({ ok: true, record: { customerId: null } });
  });

  it('reports a failed request and does not cache it', async () => {
    const { compiled, calls } = setup();
    await expect(compiled.map({ email: 'boom@example.com' })).resolves.toEqual({
      ok: false,
      record: {},
      errors: [{ field: 'customerId', code: 'lookup', message: 'lookup "customer" failed for "boom@example.com": upstream answered 500' }],
    });
    await compiled.map({ email: 'boom@example.com' });
    expect(calls).toEqual(['customer:boom@example.com', 'customer:boom@example.com']);
  });

  it('fails the field when the mapping runs without a connection', async () => {
    const compiled = compileMapping({ mapping: { fields: [{ extract: 'email', generate: 'id', lookupName: 'customer' }] }, lookups: [customer] });
    const result = await compiled.map({ email: 'a@example.com' });
    expect(result).toEqual({ ok: false, record: {}, errors: [{ field: 'id', code: 'lookup', message: 'lookup "customer" needs a request, and this mapping runs without a connection' }] });
  });
});

describe('JSONata expressions', () => {
  it('computes a field, with $record bound to the whole record inside arrays', async () => {
    const compiled = compileMapping({
      mapping: { fields: [{ expression: '$sum(lines.(qty * price))', generate: 'total' }, { extract: 'id', generate: 'id' }] },
      mappings: [
        { generate: 'skus', dataType: 'stringarray', expression: 'lines.sku' },
        { generate: 'lines', dataType: 'objectarray', extract: '$.lines', mappings: [{ generate: 'ref', dataType: 'string', expression: '$record.id & "-" & sku' }] },
      ],
    });
    expect(compiled.isAsync).toBe(true);
    const result = await compiled.map({ id: 'o1', lines: [{ sku: 'a', qty: 2, price: 1.5 }, { sku: 'b', qty: 1, price: 4 }] });
    expect(result).toEqual({ ok: true, record: { total: 7, id: 'o1', skus: ['a', 'b'], lines: [{ ref: 'o1-a' }, { ref: 'o1-b' }] } });
    // JSONata's sequence marker does not leak into records.
    expect(Object.keys((result.record.skus as string[]) ?? [])).toEqual(['0', '1']);
  });

  it('leaves the field out when the expression yields nothing, and names it when evaluation fails', async () => {
    const compiled = compileMapping({ mapping: { fields: [{ expression: 'nope', generate: 'a' }, { expression: '$number("x") + $error("bad input")', generate: 'b' }] } });
    const result = await compiled.map({});
    expect(result.ok).toBe(false);
    expect(result.record).toEqual({});
    expect(!result.ok && result.errors.map((e) => [e.field, e.code])).toEqual([['b', 'expression']]);
    expect(!result.ok && result.errors[0]?.message).toContain('bad input');
  });
});
