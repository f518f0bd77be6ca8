import { describe, expect, it } from 'vitest';
import { compilePlaceholder, resolvePath, type Scope, TemplateError } from './placeholder.js';

const scope: Scope = {
  id: '42',
  query: { limit: '20', bad: 'abc', flag: 'true', zero: '0', float: '2.75', json: '{"a":[1]}', empty: '', nothing: null },
  context: { subdomain: 'acme', users: [{ id: 'u1' }, { id: 'u2' }], count: 3, on: true, obj: { a: 1 } },
  credentials: { api_key: 'k' },
};

const evaluate = (source: string, s: Scope = scope) => compilePlaceholder(source).evaluate(s);

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('paths', () => {
  it.each([
    ['id', '42'],
    ['context.subdomain', 'acme'],
    ['context.users', [{ id: 'u1' }, { id: 'u2' }]],
    ['context.users.1.id', 'u2'],
    ['context.users.2.id', undefined],
    ['context.nope', undefined],
    ['nope.deeper', undefined],
    ['context.subdomain.length', undefined],
  ])('%s → %j', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('reads any root present in the scope', () => {
    expect(evaluate('search_query', { search_query: 'shoes' })).toBe('shoes');
  });

  it.each(['__proto__', '__proto__.x', 'constructor', 'constructor.name', 'context.constructor', 'context.users.constructor', 'toString', 'context.hasOwnProperty'])(
    'never follows %s',
    (source) => {
      expect(evaluate(source)).toBeUndefined();
    },
  );

  it('refuses prototype keys even when they are own properties (JSON.parse makes them so)', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "prototype": 2}') as unknown;
    expect(resolvePath(parsed, '__proto__.x')).toBeUndefined();
    expect(resolvePath(parsed, 'prototype')).toBeUndefined();
  });

  it('resolvePath takes a dot path or segments', () => {
    expect(resolvePath({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
    expect(resolvePath({ a: [{ b: 1 }] }, ['a', '0', 'b'])).toBe(1);
  });
});

describe('types', () => {
  it.each([
    ['query.limit:str', '20'],
    ['context.count:str', '3'],
    ['context.on:str', 'true'],
    ['context.obj:str', '{"a":1}'],
    ['context.users:str', '[{"id":"u1"},{"id":"u2"}]'],
    ['query.limit:int', 20],
    ['query.float:int', 2],
    ['context.count:int', 3],
    ['query.float:num', 2.75],
    ['query.limit:num', 20],
    ['query.flag:bool', true],
    ['query.zero:bool', false],
    ['context.on:bool', true],
    ['context.count:json', 3],
    ['query.json:json', { a: [1] }],
    ['context.obj:json', { a: 1 }],
    ['query.limit:null', null],
    ['context.obj:any', { a: 1 }],
    ['query.nothing:any', null],
    ['query.nothing:null', null],
  ])('%s → %j', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it.each([
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
    ['false', false],
    [' TRUE ', true],
  ])('bool of %j → %j', (value, expected) => {
    expect(evaluate('v:bool', { v: value })).toBe(expected);
  });

  it('an untyped path keeps its JSON type', () => {
    expect(evaluate('context.count')).toBe(3);
    expect(evaluate('context.on')).toBe(true);
  });

  it('null counts as missing unless the type is null or any', () => {
    expect(evaluate('query.nothing')).toBeUndefined();
    expect(evaluate('query.nothing:str')).toBeUndefined();
    expect(evaluate('query.nothing:int')).toBeUndefined();
  });

  it('an absent value is missing whatever the type', () => {
    expect(evaluate('query.absent:null')).toBeUndefined();
    expect(evaluate('query.absent:any')).toBeUndefined();
  });
});

describe('fallbacks', () => {
  it.each([
    ["context.nope | 'acme'", 'acme'],
    ['context.nope | "a b|c:d"', 'a b|c:d'],
    ["context.nope | 'it\\'s'", "it's"],
    ['context.nope | 100', 100],
    ['context.nope | -1.5', -1.5],
    ['context.nope | true', true],
    ['context.nope | false', false],
    ['context.nope | null', null],
    ['context.nope | query.limit:int', 20],
    ['context.nope | query.also_nope | context.subdomain', 'acme'],
    ['query.nothing | 7', 7],
    ["context.subdomain | 'other'", 'acme'],
    ["query.limit:int | '5':int", 20],
    ["context.nope:int | '5':int", 5],
    ["context.nope | '5':num", 5],
    ['context.nope | 1:str', '1'],
    ["context.nope | '{\"a\":1}':json", { a: 1 }],
    ['query.empty | 7', ''],
  ])('%s → %j', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it('is missing when no alternative has a value', () => {
    expect(evaluate('context.nope | query.nope')).toBeUndefined();
  });

  it('tolerates whitespace around every token', () => {
    expect(evaluate("  context.subdomain   |   'x'  ")).toBe('acme');
    expect(evaluate(' query.limit : int | 1 ')).toBe(20);
  });

  it('reports the paths it reads and names itself by the first one', () => {
    const compiled = compilePlaceholder("query.q | context.q:str | 'x'");
    expect(compiled.paths).toEqual(['query.q', 'context.q']);
    expect(compiled.name).toBe('query.q');
    expect(compilePlaceholder("'lit'").name).toBe("'lit'");
  });
});

describe('conversion failures', () => {
  it.each([
    ['query.bad:int', 'string', 'int'],
    ['query.bad:num', 'string', 'num'],
    ['query.empty:int', 'string', 'int'],
    ['query.bad:bool', 'string', 'bool'],
    ['context.count:bool', 'number', 'bool'],
    ['context.obj:int', 'object', 'int'],
    ['context.users:num', 'array', 'num'],
    ['query.bad:json', 'string', 'json'],
  ])('%s fails naming the placeholder, the value type and the target type', (source, from, to) => {
    const error = errorOf(() => evaluate(source));
    expect(error.code).toBe('TEMPLATE_CONVERSION_FAILED');
    expect(error.message).toBe(`Placeholder {{${source}}} cannot convert the ${from} at "${source.split(':')[0]}" to ${to}.`);
  });

  it('does not fall through to the next alternative: a bad value is bad input', () => {
    expect(errorOf(() => evaluate('query.bad:int | 10')).code).toBe('TEMPLATE_CONVERSION_FAILED');
  });

  it('never puts the value in the message (scopes hold secrets)', () => {
    const error = errorOf(() => evaluate('credentials.api_key:int'));
    expect(error.message).not.toContain('k"');
    expect(error.message).toBe('Placeholder {{credentials.api_key:int}} cannot convert the string at "credentials.api_key" to int.');
  });

  it('rejects partially numeric text rather than guessing', () => {
    expect(errorOf(() => evaluate('v:int', { v: '12abc' })).code).toBe('TEMPLATE_CONVERSION_FAILED');
  });
});

describe('malformed expressions', () => {
  it.each([
    ['', 'empty placeholder'],
    ['   ', 'empty placeholder'],
    ['a:date', 'unknown type "date" (use str, int, num, bool, json, null, any)'],
    ['a:', 'expected a type after ":"'],
    ['a|', 'expected a path or a literal'],
    ['|a', 'expected a path or a literal'],
    ['a b', 'expected "|" between alternatives'],
    ["a|'open", 'unterminated quoted string'],
    ['a..b', '"a..b" has an empty path segment'],
    ['.a', '".a" has an empty path segment'],
    ['a{b', 'unexpected "{"'],
    ["a|'x':int", "literal 'x' cannot be converted to int"],
    ['a|null:str', 'literal null cannot be converted to str'],
  ])('%j → TEMPLATE_INVALID (%s)', (source, reason) => {
    const error = errorOf(() => compilePlaceholder(source));
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.message).toBe(`Invalid placeholder {{${source}}}: ${reason}.`);
  });
});

describe('caching', () => {
  it('compiles each source once', () => {
    expect(compilePlaceholder('context.cached | 1')).toBe(compilePlaceholder('context.cached | 1'));
  });
});
