import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Scope, TemplateError } from './placeholder.js';
import { hasPlaceholders, listPlaceholders, renderPath, renderString, renderValue } from './render.js';

const users = [{ id: 'u1', name: 'Ann' }, { id: 'u2' }];

const aScope = (overrides: Scope = {}): Scope => ({
  id: '123',
  body: { name: 'Widget' },
  query: { limit: '25' },
  context: { subdomain: 'acme', users, user_id: 'u1', items: [{ sku: 'A', qty: 2 }] },
  oauth: { token: { access_token: 't0k3n' } },
  pagination: { page: 2, per_page: 100 },
  response: { error: 'Bad thing' },
  ...overrides,
});

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('seed 002 templates', () => {
  it('renders the bearer header', () => {
    expect(renderString('Bearer {{oauth.token.access_token}}', aScope())).toEqual({ value: 'Bearer t0k3n', missing: [] });
  });

  it('keeps page numbers as numbers in the list query', () => {
    const query = { page: '{{pagination.page}}', per_page: '{{pagination.per_page}}' };
    expect(renderValue(query, aScope())).toEqual({ value: { page: 2, per_page: 100 }, missing: [] });
  });

  it('renders the order body with the array intact', () => {
    const body = { user_id: '{{context.user_id}}', items: '{{context.items}}' };
    expect(renderValue(body, aScope())).toEqual({ value: { user_id: 'u1', items: [{ sku: 'A', qty: 2 }] }, missing: [] });
  });

  it('keeps context.users an array in the sync_users action', () => {
    expect(renderValue({ users: '{{context.users}}' }, aScope())).toEqual({ value: { users }, missing: [] });
  });

  it('drops search and filter when the caller sent neither', () => {
    const query = { search: '{{search_query}}', filter: '{{filter_criteria}}' };
    expect(renderValue(query, aScope())).toEqual({ value: {}, missing: ['search_query', 'filter_criteria'] });
    expect(renderValue(query, aScope({ search_query: 'shoes' }))).toEqual({ value: { search: 'shoes' }, missing: ['filter_criteria'] });
  });

  it('renders the error expression from the response', () => {
    expect(renderString('{{response.error}}', aScope())).toEqual({ value: 'Bad thing', missing: [] });
  });
});

describe('renderString', () => {
  it('returns a whole placeholder with its JSON type', () => {
    expect(renderString('{{context.users}}', aScope()).value).toBe(users);
    expect(renderString('{{pagination.page}}', aScope()).value).toBe(2);
    expect(renderString('{{pagination.page:str}}', aScope()).value).toBe('2');
    expect(renderString('{{ context.subdomain | "x" }}', aScope()).value).toBe('acme');
  });

  it('interpolates placeholders inside longer text', () => {
    const scope = aScope();
    expect(renderString('https://{{ context.subdomain | \'acme\' }}.example.com/api', {}).value).toBe('https://acme.example.com/api');
    expect(renderString('{{context.subdomain}}-{{pagination.page}}', scope).value).toBe('acme-2');
    expect(renderString('users={{context.users}}', scope).value).toBe('users=[{"id":"u1","name":"Ann"},{"id":"u2"}]');
    expect(renderString(' {{pagination.page}}', scope).value).toBe(' 2');
    expect(renderString('{{v:any}}!', { v: null }).value).toBe('!');
  });

  it('renders a missing value inside text as empty and lists it', () => {
    expect(renderString('Bearer {{oauth.nope}}', aScope())).toEqual({ value: 'Bearer ', missing: ['oauth.nope'] });
  });

  it('returns undefined for a whole missing placeholder and lists it once', () => {
    expect(renderString('{{nope}}', aScope())).toEqual({ value: undefined, missing: ['nope'] });
    expect(renderString('{{nope}}/{{nope}}', aScope())).toEqual({ value: '/', missing: ['nope'] });
  });

  it('leaves braces that are not placeholders alone', () => {
    expect(renderString('{a} }} {x}', aScope()).value).toBe('{a} }} {x}');
    expect(renderString("{{ v | '}}' }}", {}).value).toBe('}}');
  });

  it('throws conversion failures', () => {
    const error = errorOf(() => renderString('limit={{query.limit:int}}', { query: { limit: 'abc' } }));
    expect(error.code).toBe('TEMPLATE_CONVERSION_FAILED');
    expect(error.message).toBe('Placeholder {{query.limit:int}} cannot convert the string at "query.limit" to int.');
  });

  it('never follows prototype paths', () => {
    for (const template of ['{{__proto__.x}}', '{{constructor.name}}', '{{context.constructor.name}}', '{{__proto__}}']) {
      expect(renderString(template, aScope())).toEqual({ value: undefined, missing: [template.slice(2, -2)] });
    }
  });
});

describe('malformed templates', () => {
  it.each([
    ['{{}}', 'Invalid template "{{}}": Invalid placeholder {{}}: empty placeholder.'],
    ['/users/{{a', 'Invalid template "/users/{{a": placeholder at position 7 is not closed with "}}"'],
    ['{{a {{b}}', 'Invalid template "{{a {{b}}": placeholder at position 0 is not closed before the next "{{"'],
    ['/x/{{a:date}}', 'Invalid template "/x/{{a:date}}": Invalid placeholder {{a:date}}: unknown type "date" (use str, int, num, bool, json, null, any).'],
    ["{{a|'x}}", 'Invalid template "{{a|\'x}}": placeholder at position 0 is not closed with "}}"'],
  ])('%s → TEMPLATE_INVALID', (template, message) => {
    for (const render of [() => renderString(template, {}), () => renderValue({ a: [template] }, {}), () => renderPath(template, {}), () => listPlaceholders(template)]) {
      const error = errorOf(render);
      expect(error.code).toBe('TEMPLATE_INVALID');
      expect(error.template).toBe(template);
      expect(error.message).toBe(message);
    }
  });
});

describe('renderValue', () => {
  it('walks nested objects and arrays, dropping whole missing values at any depth', () => {
    const template = {
      filter: { status: '{{query.status}}', owner: { id: '{{context.user_id}}', team: '{{context.team}}' } },
      ids: ['{{context.user_id}}', '{{query.other}}', 'literal'],
      note: 'for {{context.team}}',
      limit: '{{query.limit:int|50}}',
    };
    expect(renderValue(template, aScope())).toEqual({
      value: { filter: { owner: { id: 'u1' } }, ids: ['u1', 'literal'], note: 'for ', limit: 25 },
      missing: ['query.status', 'context.team', 'query.other'],
    });
  });

  it('keeps null when the type asks for it, and non-string values as they are', () => {
    const value = { a: '{{context.nope:null|null}}', n: 1, b: false, z: null, nested: [[1, '{{pagination.page:str}}']] };
    expect(renderValue(value, aScope()).value).toEqual({ a: null, n: 1, b: false, z: null, nested: [[1, '2']] });
  });

  it('does not template keys', () => {
    expect(renderValue({ '{{id}}': '{{id}}' }, aScope()).value).toEqual({ '{{id}}': '123' });
  });

  it('returns fresh containers so callers may change them without touching the definition', () => {
    const template = { query: { page: 1 }, list: [1] };
    const rendered = renderValue(template, {}).value as typeof template;
    expect(rendered).toEqual(template);
    expect(rendered).not.toBe(template);
    expect(rendered.query).not.toBe(template.query);
    expect(rendered.list).not.toBe(template.list);
  });

  it('keeps a JSON "__proto__" key as data without touching the prototype', () => {
    const template = JSON.parse('{"__proto__": {"polluted": "{{id}}"}}') as unknown;
    const rendered = renderValue(template, aScope()).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(rendered, '__proto__')?.value).toEqual({ polluted: '123' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('returns undefined for a top-level whole missing value', () => {
    expect(renderValue('{{nope}}', {})).toEqual({ value: undefined, missing: ['nope'] });
  });
});

describe('renderPath', () => {
  it('encodes every value as a URI component', () => {
    expect(renderPath('/users/{{id}}', { id: 'a/b c' })).toEqual({ ok: true, value: '/users/a%2Fb%20c' });
    expect(renderPath('/t/{{id}}/c/{{context.n}}', { id: 'é?#&', context: { n: 7 } })).toEqual({ ok: true, value: '/t/%C3%A9%3F%23%26/c/7' });
    expect(renderPath('{{id}}', { id: 'x y' })).toEqual({ ok: true, value: 'x%20y' });
  });

  it('renders base URLs', () => {
    const scope = aScope();
    expect(renderPath('https://{{context.subdomain}}.example.com/api', scope)).toEqual({ ok: true, value: 'https://acme.example.com/api' });
    expect(renderPath('https://{{context.region|"eu"}}.example.com', scope)).toEqual({ ok: true, value: 'https://eu.example.com' });
  });

  it('can leave values unencoded for a base URL held whole in context', () => {
    expect(renderPath('{{context.instance_url}}/services', { context: { instance_url: 'https://x.my.example.com' } }, (v) => v)).toEqual({
      ok: true,
      value: 'https://x.my.example.com/services',
    });
  });

  it('fails listing every missing or empty value instead of sending braces upstream', () => {
    expect(renderPath('/users/{{id}}', {})).toEqual({ ok: false, missing: ['id'] });
    expect(renderPath('/users/{{id}}', { id: '' })).toEqual({ ok: false, missing: ['id'] });
    expect(renderPath('/{{context.a}}/{{id}}/{{context.b}}', { id: '1' })).toEqual({ ok: false, missing: ['context.a', 'context.b'] });
  });

  it('refuses dot segments that URL parsing would resolve away', () => {
    for (const id of ['.', '..']) {
      const error = errorOf(() => renderPath('/users/{{id}}/delete', { id }));
      expect(error.code).toBe('TEMPLATE_CONVERSION_FAILED');
      expect(error.message).toBe(`Placeholder {{id}} is "${id}", which cannot be a URL path segment.`);
    }
    expect(renderPath('/users/{{id}}', { id: '...' })).toEqual({ ok: true, value: '/users/...' });
  });

  it('encodes lone surrogates as U+FFFD instead of throwing', () => {
    expect(renderPath('/{{id}}', { id: 'a\uD800' })).toEqual({ ok: true, value: '/a%EF%BF%BD' });
  });

  it('returns a path without placeholders unchanged', () => {
    expect(renderPath('/users', {})).toEqual({ ok: true, value: '/users' });
  });
});

describe('hasPlaceholders / listPlaceholders', () => {
  it('detects placeholders', () => {
    expect(hasPlaceholders('Bearer {{oauth.token.access_token}}')).toBe(true);
    expect(hasPlaceholders('Bearer x')).toBe(false);
  });

  it('lists every path once, fallbacks included, from strings or nested values', () => {
    expect(listPlaceholders("/users/{{id}}?q={{query.q|context.q|'x'}}&again={{id}}")).toEqual(['id', 'query.q', 'context.q']);
    expect(listPlaceholders({ a: ['{{context.users}}', { b: 'Bearer {{oauth.token.access_token}}' }], n: 1 })).toEqual(['context.users', 'oauth.token.access_token']);
    expect(listPlaceholders('no placeholders')).toEqual([]);
  });
});

describe('properties', () => {
  const noBraces = fc.string({ unit: 'binary' }).filter((s) => !s.includes('{{'));

  it('a template without "{{" renders unchanged', () => {
    fc.assert(
      fc.property(noBraces, (text) => {
        expect(renderString(text, aScope())).toEqual({ value: text, missing: [] });
        expect(renderValue(text, aScope())).toEqual({ value: text, missing: [] });
        expect(renderPath(text, aScope())).toEqual({ ok: true, value: text });
      }),
    );
  });

  it('a JSON value without placeholders renders to an equal value', () => {
    const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('{{'));
    fc.assert(
      fc.property(json, (value) => {
        expect(renderValue(value, {}).value).toEqual(value);
      }),
    );
  });

  it('a whole placeholder returns the exact JSON value in scope', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(renderString('{{v:any}}', { v: value }).value).toEqual(value);
        if (value !== null) expect(renderString('{{ context.v }}', { context: { v: value } }).value).toEqual(value);
      }),
    );
  });
});
