/**
 * A JSON parser that also records, for every value, the line it starts on (keyed by its dotted
 * path, e.g. `resources.users.list.path`), so an editor can put each validation error at its line.
 */

export interface ParsedJson {
  value: unknown;
  /** Dotted path → 1-based line of the key (or of the value for array items and the root). */
  lines: Map<string, number>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
  }
}

export function parseJsonWithLines(text: string): ParsedJson {
  let pos = 0;
  const lines = new Map<string, number>();

  const lineCol = (offset: number) => {
    let line = 1;
    let last = -1;
    for (let i = 0; i < offset && i < text.length; i += 1) {
      if (text[i] === '\n') {
        line += 1;
        last = i;
      }
    }
    return { line, column: offset - last };
  };
  const fail = (message: string): never => {
    const { line, column } = lineCol(pos);
    throw new JsonSyntaxError(message, line, column);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos] as string)) pos += 1;
  };
  const describe = () => (pos >= text.length ? 'end of text' : `"${text[pos]}"`);

  const parseString = (): string => {
    const start = pos;
    pos += 1;
    while (pos < text.length) {
      const c = text[pos];
      if (c === '\\') pos += 2;
      else if (c === '"') {
        pos += 1;
        try {
          return JSON.parse(text.slice(start, pos)) as string;
        } catch {
          pos = start;
          return fail('Invalid string escape');
        }
      } else if (c === '\n') return fail('Unterminated string');
      else pos += 1;
    }
    return fail('Unterminated string');
  };

  const parseValue = (path: string[]): unknown => {
    skip();
    const key = path.join('.');
    if (!lines.has(key)) lines.set(key, lineCol(pos).line);
    const c = text[pos];
    if (c === '{') {
      pos += 1;
      const object: Record<string, unknown> = {};
      skip();
      if (text[pos] === '}') {
        pos += 1;
        return object;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail(`Expected a property name in double quotes, found ${describe()}`);
        const keyLine = lineCol(pos).line;
        const name = parseString();
        lines.set([...path, name].join('.'), keyLine);
        skip();
        if (text[pos] !== ':') fail(`Expected ":" after the property name, found ${describe()}`);
        pos += 1;
        object[name] = parseValue([...path, name]);
        skip();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === '}') {
          pos += 1;
          return object;
        }
        return fail(`Expected "," or "}" after a property value, found ${describe()}`);
      }
    }
    if (c === '[') {
      pos += 1;
      const array: unknown[] = [];
      skip();
      if (text[pos] === ']') {
        pos += 1;
        return array;
      }
      for (;;) {
        array.push(parseValue([...path, String(array.length)]));
        skip();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === ']') {
          pos += 1;
          return array;
        }
        return fail(`Expected "," or "]" after an array item, found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 400));
    if (!literal) return fail(`Unexpected ${describe()}`);
    pos += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  const value = parseValue([]);
  skip();
  if (pos < text.length) fail(`Unexpected ${describe()} after the end of the JSON value`);
  return { value, lines };
}

/** The line of a dotted field path (`config.resources.users` or `resources.users`), or of its nearest existing parent. */
export function lineOf(lines: Map<string, number>, field: string): number {
  let segments = field.split('.').filter((s) => s !== '');
  if (segments[0] === 'config') segments = segments.slice(1);
  while (segments.length > 0) {
    const line = lines.get(segments.join('.'));
    if (line !== undefined) return line;
    segments = segments.slice(0, -1);
  }
  return lines.get('') ?? 1;
}
