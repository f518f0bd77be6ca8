import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, lineOf, parseJsonWithLines } from '../../web/src/lib/json-lines.js';
import { cellText, inferColumns, queryPlaceholders } from '../../web/src/lib/records.js';

// Pure logic of the console's Integrations and Explore pages (no browser needed).

describe('parseJsonWithLines', () => {
  const text = '{\n  "base_url": "https://x.test",\n  "resources": {\n    "users": {\n      "list": { "method": "get", "path": "/u" }\n    }\n  },\n  "tags": ["a",\n    "b"]\n}';

  it('parses like JSON.parse and records the line of every key', () => {
    const { value, lines } = parseJsonWithLines(text);
    expect(value).toEqual(JSON.parse(text));
    expect(lines.get('')).toBe(1);
    expect(lines.get('base_url')).toBe(2);
    expect(lines.get('resources.users')).toBe(4);
    expect(lines.get('resources.users.list')).toBe(5);
    expect(lines.get('resources.users.list.method')).toBe(5);
    expect(lines.get('tags.1')).toBe(9);
  });

  it('puts a server field path at its line, or at its nearest existing parent', () => {
    const { lines } = parseJsonWithLines(text);
    expect(lineOf(lines, 'config.resources.users.list.method')).toBe(5);
    expect(lineOf(lines, 'resources.users.list.response_path')).toBe(5);
    expect(lineOf(lines, 'config.credentials')).toBe(1);
    expect(lineOf(lines, 'config')).toBe(1);
  });

  it('handles keys with dots, escapes and numbers', () => {
    const { value, lines } = parseJsonWithLines('{\n "a.b": {\n  "c": "x\\"y"\n },\n "n": -1.5e3\n}');
    expect(value).toEqual({ 'a.b': { c: 'x"y' }, n: -1500 });
    expect(lineOf(lines, 'a.b.c')).toBe(3);
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, /Expected "," or "}"/],
    ['{\n  oops\n}', 2, /property name/],
    ['[1,\n2,\n]', 3, /Unexpected "]"/],
    ['{"a": "x\n"}', 1, /Unterminated string/],
    ['{}\n\nx', 3, /after the end/],
    ['', 1, /Unexpected end of text/],
  ])('reports syntax errors with their line: %j', (bad, line, message) => {
    expect(() => JSON.parse(bad)).toThrow();
    try {
      parseJsonWithLines(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect((error as JsonSyntaxError).line).toBe(line);
      expect((error as JsonSyntaxError).message).toMatch(message);
    }
  });
});

describe('records', () => {
  it('infers columns as the union of keys in first-seen order, with a value column for scalars', () => {
    expect(inferColumns([{ id: 1, a: 2 }, { b: 3, id: 4 }])).toEqual(['id', 'a', 'b']);
    expect(inferColumns([1, { x: 1 }])).toEqual(['', 'x']);
    expect(inferColumns([{ a: 1, b: 2, c: 3 }], 2)).toEqual(['a', 'b']);
  });

  it('shows cells as text or compact JSON, empty when missing, cut when long', () => {
    expect(cellText({ a: 'x' }, 'a')).toBe('x');
    expect(cellText({ a: { b: 1 } }, 'a')).toBe('{"b":1}');
    expect(cellText({ a: null }, 'a')).toBe('null');
    expect(cellText({}, 'a')).toBe('');
    expect(cellText(7, '')).toBe('7');
    expect(cellText({ a: 'y'.repeat(300) }, 'a')).toBe('y'.repeat(300));
    expect(cellText({ a: ['y'.repeat(300)] }, 'a')).toHaveLength(200);
  });

  it('finds the {{query.*}} parameters of a method', () => {
    expect(queryPlaceholders({ path: '/u/{{query.team}}', query: { q: '{{ query.search | "" }}', p: '{{pagination.page}}' } })).toEqual(['team', 'search']);
    expect(queryPlaceholders(undefined)).toEqual([]);
  });
});
