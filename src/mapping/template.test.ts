import { describe, expect, it } from 'vitest';
import { MappingError } from './errors.js';
import { isClassicTemplate, isHandlebarsTemplate, parseTemplate, toText } from './template.js';

const shape = (text: string, braces: 1 | 2) => parseTemplate(text, braces, 'f').map((part) => (typeof part === 'string' ? part : `<${part.source}>`));

describe('templates', () => {
  it.each<[string, 1 | 2, string[]]>([
    ['{first_name} {last_name}', 1, ['<first_name>', ' ', '<last_name>']],
    ['Order #{id}', 1, ['Order #', '<id>']],
    ['{{first}}-{{ $.last }}', 2, ['<first>', '-', '<$.last>']],
    ['{{{raw}}} and {{Trial Start}}', 2, ['<raw>', ' and ', '<Trial Start>']],
    ['{{$$.id}}', 2, ['<$$.id>']],
    ['no placeholders', 2, ['no placeholders']],
  ])('%s', (text, braces, expected) => {
    expect(shape(text, braces)).toEqual(expected);
  });

  it('tells templates from paths', () => {
    expect(isClassicTemplate('{a} {b}')).toBe(true);
    expect(isClassicTemplate('a.b')).toBe(false);
    expect(isHandlebarsTemplate('{{a}}')).toBe(true);
    expect(isHandlebarsTemplate('{a}')).toBe(false);
  });

  it.each([
    ['{a', 1, 'has an unclosed {'],
    ['{{a}', 2, 'has an unclosed {{'],
    ['{ }', 1, 'has an empty placeholder'],
    ['{{__proto__}}', 2, 'forbidden key'],
  ] as const)('refuses %s', (text, braces, message) => {
    expect(() => parseTemplate(text, braces, 'f')).toThrow(MappingError);
    expect(() => parseTemplate(text, braces, 'f')).toThrow(message);
  });

  it.each([
    ['a', 'a'],
    [1.5, '1.5'],
    [false, 'false'],
    [null, ''],
    [undefined, ''],
    [{ a: [1] }, '{"a":[1]}'],
  ])('renders %j as %j', (value, expected) => {
    expect(toText(value)).toBe(expected);
  });
});
