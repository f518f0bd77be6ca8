import { MappingError } from './errors.js';
import { type ParsedPath, parsePath } from './path.js';

/**
 * Text templates of both mapping forms, parsed once: the classic `{first_name} {last_name}` and
 * the typed `{{first_name}} {{last_name}}` (Handlebars style; `{{{x}}}` is read as `{{x}}`, and no
 * HTML escaping happens — the output is data, not markup). A placeholder holds a path
 * (`{{$.address.city}}`, `{{Trial Start}}`, `{{$$.id}}`); helpers are not supported — use an
 * `expression` for logic.
 *
 * Rendering: a missing or null value renders as '', numbers and booleans as their text, objects as
 * JSON. When every placeholder is missing the template yields nothing (the field is left out),
 * so a template over absent data does not produce a string of separators.
 */

export type TemplatePart = string | ParsedPath;

/**
 * Whether a classic `extract` is a template rather than a path: it has a `{…}` outside quoted
 * brackets (so `["odd {key}"]` stays a path).
 */
export function isClassicTemplate(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote && text[i + 1] === ']') quote = undefined;
    } else if (ch === '[' && (text[i + 1] === '"' || text[i + 1] === "'")) {
      quote = text[i + 1];
      i++;
    } else if (ch === '{' && text.indexOf('}', i) > i) return true;
  }
  return false;
}

/** Whether a typed `extract` is a `{{…}}` template. */
export function isHandlebarsTemplate(text: string): boolean {
  return text.includes('{{') && text.includes('}}');
}

/**
 * Parses a template into literal text and paths; `braces` is 1 for the classic form, 2 for the typed one.
 *
 * @example parseTemplate('{first} {last}', 1, 'name') // [path first, ' ', path last]
 */
export function parseTemplate(text: string, braces: 1 | 2, field: string): TemplatePart[] {
  const open = braces === 2 ? '{{' : '{';
  const close = braces === 2 ? '}}' : '}';
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(open, i);
    if (start < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, start);
    let from = start + open.length;
    const triple = braces === 2 && text[from] === '{'; // {{{raw}}} → same as {{raw}}
    if (triple) from++;
    const to = text.indexOf(close, from);
    if (to < 0) throw new MappingError(field, `the template ${JSON.stringify(text)} has an unclosed ${open}`);
    const inner = text.slice(from, to).trim();
    if (inner === '') throw new MappingError(field, `the template ${JSON.stringify(text)} has an empty placeholder`);
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(parsePath(inner, field));
    i = to + close.length;
    if (triple && text[i] === '}') i++;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** How a template renders one value. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
