import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPath, renderString, renderValue, resolvePath, serializeQuery, TemplateError, toText } from '../../../src/engine/templates/index.js';

// Properties of the `{{placeholder}}` renderer (src/engine/templates). Seed and run count come
// from test/fuzz/setup.ts; a failure prints the counterexample and the seed to replay it.

/** Plain keys: no dots (path separators), braces, pipes or colons (expression syntax), no prototype names. */
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((k) => !['constructor', 'prototype'].includes(k));
/** Text around placeholders: anything without `{{` or `}}`, so it stays literal. */
const literal = fc.string({ maxLength: 12 }).filter((text) => !text.includes('{') && !text.includes('}'));
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));

describe('templates: properties', () => {
  it('a text without "{{" renders as itself, as a string and inside any value', () => {
    fc.assert(
      fc.property(fc.string().filter((t) => !t.includes('{{')), fc.jsonValue({ maxDepth: 3 }), (text, value) => {
        expect(renderString(text, {})).toEqual({ value: text, missing: [] });
        const plain = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? v.replaceAll('{{', '{ {') : v))) as unknown;
        expect(renderValue(plain, {}).value).toEqual(plain);
      }),
    );
  });

  it('interpolation equals a reference: literal parts joined with the text of each value', () => {
    const part = fc.oneof(literal.map((text) => ({ text })), key.map((name) => ({ name })));
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 6 }), fc.dictionary(key, scalar), (parts, context) => {
        const template = parts.map((p) => ('text' in p ? p.text : `{{context.${p.name}}}`)).join('');
        const expected = parts.map((p) => ('text' in p ? p.text : toText(context[p.name]))).join('');
        const missing = [...new Set(parts.flatMap((p) => ('name' in p && (context[p.name] === undefined || context[p.name] === null) ? [`context.${p.name}`] : [])))];
        const result = renderString(template, { context });
        if (/^\{\{[^}]*\}\}$/.test(template)) return; // one whole placeholder keeps its type (next property)
        expect(result.value).toBe(expected);
        expect(result.missing.filter((m) => !missing.includes(m))).toEqual([]);
      }),
    );
  });

  it('a template that is one placeholder keeps the JSON value it points at (equals resolvePath)', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const scope: Record<string, unknown> = {};
        let node = scope;
        path.slice(0, -1).forEach((segment) => (node = node[segment] = {} as Record<string, unknown>));
        node[path.at(-1)!] = value;
        const rendered = renderString(`{{${path.join('.')}}}`, scope);
        expect(rendered.value).toEqual(value === null ? resolvePath(scope, path.join('.')) ?? undefined : value);
      }),
    );
  });

  it('renderPath percent-encodes every value: decoding each segment gives the value back, and no value adds a segment', () => {
    const value = fc.string({ minLength: 1, maxLength: 16 }).filter((v) => v !== '.' && v !== '..' && !/[\uD800-\uDFFF]/.test(v));
    fc.assert(
      fc.property(value, value, (a, b) => {
        const result = renderPath('/users/{{id}}/items/{{context.item}}', { id: a, context: { item: b } });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const segments = result.value.split('/');
        expect(segments).toHaveLength(5);
        expect(decodeURIComponent(segments[2]!)).toBe(a);
        expect(decodeURIComponent(segments[4]!)).toBe(b);
        expect(new URL(result.value, 'https://api.test').pathname.split('/')).toHaveLength(5);
      }),
    );
  });

  it('renderPath never lets a missing or empty value through', () => {
    fc.assert(
      fc.property(fc.constantFrom(undefined, null, ''), (empty) => {
        expect(renderPath('/users/{{id}}', { id: empty })).toEqual({ ok: false, missing: ['id'] });
      }),
    );
  });

  it('never throws anything but TemplateError, whatever the template and scope', () => {
    const noisy = fc.string({ unit: fc.constantFrom('{', '}', '|', ':', "'", '.', ' ', 'a', 'int', 'str', 'json', '_', '0', '\\', '"'), maxLength: 30 });
    fc.assert(
      fc.property(noisy, fc.jsonValue({ maxDepth: 3 }), (template, context) => {
        for (const render of [() => renderString(template, { context, a: context }), () => renderPath(template, { context, a: context }), () => renderValue({ t: [template] }, { a: context })]) {
          try {
            render();
          } catch (error) {
            expect(error).toBeInstanceOf(TemplateError);
          }
        }
      }),
    );
  });

  it('never reads through __proto__, prototype or constructor', () => {
    fc.assert(
      fc.property(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.array(key, { maxLength: 2 }), (forbidden, rest) => {
        const path = ['context', forbidden, ...rest].join('.');
        expect(resolvePath({ context: {} }, path)).toBeUndefined();
        expect(renderString(`{{${path}}}`, { context: {} }).value).toBeUndefined();
      }),
    );
  });

  it('serializeQuery round-trips through URLSearchParams (repeat format): same keys, same values, same order', () => {
    const values = fc.oneof(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), values, { maxKeys: 5 }), (params) => {
        const clean = (s: string) => s.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
        const parsed = new URLSearchParams(serializeQuery(params, 'repeat'));
        const expected = Object.entries(params).flatMap(([k, v]) => [v].flat().map((item) => [clean(k), clean(item)]));
        expect([...parsed.entries()]).toEqual(expected);
      }),
    );
  });

  it('serializeQuery (comma) joins scalar arrays into one value that splits back into the items', () => {
    const item = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes(',') && !/[\uD800-\uDFFF]/.test(s));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 5 }), (items) => {
        const parsed = new URLSearchParams(serializeQuery({ ids: items }, 'comma'));
        expect(parsed.get('ids')?.split(',')).toEqual(items);
      }),
    );
  });
});
