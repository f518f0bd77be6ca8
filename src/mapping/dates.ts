import { Failure, MappingError, preview } from './errors.js';

/**
 * Date parsing and formatting for mapped fields, with IANA time zones through Intl (no dependency).
 *
 * Formats are a documented subset of moment/Day.js tokens, compiled once:
 *   YYYY  four-digit year          MM  month 01–12 (parses 1–2 digits)   DD  day 01–31 (1–2 digits)
 *   HH    hour 00–23 (1–2 digits)  mm  minute 00–59                       ss  second 00–59
 *   SSS   milliseconds (parses 1–3 digits)
 *   Z     offset: formats +01:00 (UTC is +00:00); parses Z, ±HH:mm, ±HHmm or ±HH
 *   ZZ    offset without colon: formats +0100; parses like Z
 *   [text] literal text; T and any punctuation or space are literal as they are.
 * Whole-format names: `epoch` or `x` (milliseconds since 1970, a number), `epochSeconds` or `X`
 * (seconds), `iso` (the default: YYYY-MM-DD, then optionally T or space, HH:mm, :ss, .fraction
 * and an offset). Other letters are refused at compile time, so `YYYY-mm-dd` fails early.
 *
 * Time zones: a parsed text without an offset is read as wall-clock time in
 * `extractDateTimezone` (default UTC). A wall-clock time that a DST change skips is moved forward
 * (02:30 → 03:30 on a spring-forward night) and one that occurs twice takes its first occurrence,
 * as Temporal's "compatible" disambiguation does. Output without `generateDateFormat` is ISO 8601:
 * UTC with Z, or in `generateDateTimezone` with its offset when one is set.
 */

type Token = { kind: 'field'; name: 'YYYY' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss' | 'SSS' } | { kind: 'offset'; colon: boolean } | { kind: 'literal'; text: string };
type Format = { kind: 'epoch'; unit: 1 | 1000 } | { kind: 'iso' } | { kind: 'tokens'; tokens: Token[] };

const FIELD_TOKENS = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;
const ISO_OUT: Token[] = compileTokens('YYYY-MM-DD[T]HH:mm:ss.SSSZ', 'iso');

function compileTokens(format: string, field: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch === '[') {
      const close = format.indexOf(']', i);
      if (close < 0) throw new MappingError(field, `the date format ${JSON.stringify(format)} has an unclosed [`);
      literal(format.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    const name = FIELD_TOKENS.find((t) => format.startsWith(t, i));
    if (name) {
      tokens.push({ kind: 'field', name });
      i += name.length;
    } else if (format.startsWith('ZZ', i) || ch === 'Z') {
      const colon = !format.startsWith('ZZ', i);
      tokens.push({ kind: 'offset', colon });
      i += colon ? 1 : 2;
    } else if (/[A-Za-z]/.test(ch) && ch !== 'T') {
      throw new MappingError(field, `the date format ${JSON.stringify(format)} uses ${JSON.stringify(ch)}, which is not a supported token (YYYY MM DD HH mm ss SSS Z ZZ)`);
    } else {
      literal(ch);
      i++;
    }
  }
  return tokens;
}

function compileFormat(format: string | undefined, field: string): Format {
  if (format === undefined || format === 'iso') return { kind: 'iso' };
  if (format === 'epoch' || format === 'x') return { kind: 'epoch', unit: 1 };
  if (format === 'epochSeconds' || format === 'X') return { kind: 'epoch', unit: 1000 };
  return { kind: 'tokens', tokens: compileTokens(format, field) };
}

/** Wall-clock fields read from a text; `offset` in minutes when the text carried one. */
interface Parsed {
  wall: number;
  offsetMin: number | undefined;
}

class Cursor {
  i = 0;
  constructor(readonly text: string) {}
  digits(min: number, max: number): number | undefined {
    let n = 0;
    let count = 0;
    while (count < max && this.i < this.text.length) {
      const code = this.text.charCodeAt(this.i) - 48;
      if (code < 0 || code > 9) break;
      n = n * 10 + code;
      count++;
      this.i++;
    }
    return count >= min ? n : undefined;
  }
  offset(): number | undefined {
    const sign = this.text[this.i];
    if (sign === 'Z' || sign === 'z') {
      this.i++;
      return 0;
    }
    if (sign !== '+' && sign !== '-') return undefined;
    this.i++;
    const hours = this.digits(2, 2);
    if (hours === undefined) return undefined;
    if (this.text[this.i] === ':') this.i++;
    const minutes = this.i < this.text.length ? this.digits(2, 2) : 0;
    if (minutes === undefined || hours > 23 || minutes > 59) return undefined;
    return (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
}

const WIDTH: Record<string, [number, number]> = { YYYY: [4, 4], MM: [1, 2], DD: [1, 2], HH: [1, 2], mm: [2, 2], ss: [2, 2], SSS: [1, 3] };

function parseTokens(text: string, tokens: readonly Token[]): Parsed | undefined {
  const c = new Cursor(text.trim());
  const f: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, HH: 0, mm: 0, ss: 0, SSS: 0 };
  let offsetMin: number | undefined;
  for (const token of tokens) {
    if (token.kind === 'literal') {
      if (!c.text.startsWith(token.text, c.i)) return undefined;
      c.i += token.text.length;
    } else if (token.kind === 'offset') {
      offsetMin = c.offset();
      if (offsetMin === undefined) return undefined;
    } else {
      const [min, max] = WIDTH[token.name] as [number, number];
      const start = c.i;
      const value = c.digits(min, max);
      if (value === undefined) return undefined;
      f[token.name] = token.name === 'SSS' ? value * 10 ** (3 - (c.i - start)) : value;
    }
  }
  if (c.i !== c.text.length) return undefined;
  return wallClock(f, offsetMin);
}

function parseIso(text: string): Parsed | undefined {
  const c = new Cursor(text.trim());
  const f: Record<string, number> = { YYYY: 0, MM: 0, DD: 0, HH: 0, mm: 0, ss: 0, SSS: 0 };
  const part = (name: string, width: number, before: string | null): boolean => {
    if (before !== null && c.text[c.i++] !== before) return false;
    const value = c.digits(width, width);
    f[name] = value ?? -1;
    return value !== undefined;
  };
  if (!part('YYYY', 4, null) || !part('MM', 2, '-') || !part('DD', 2, '-')) return undefined;
  let offsetMin: number | undefined;
  const sep = c.text[c.i];
  if (sep === 'T' || sep === 't' || sep === ' ') {
    c.i++;
    if (!part('HH', 2, null) || !part('mm', 2, ':')) return undefined;
    if (c.text[c.i] === ':' && !part('ss', 2, ':')) return undefined;
    if (c.text[c.i] === '.' || c.text[c.i] === ',') {
      c.i++;
      const start = c.i;
      const fraction = c.digits(1, 9);
      if (fraction === undefined) return undefined;
      f.SSS = Math.floor(fraction / 10 ** (c.i - start - 3));
    }
    if (c.i < c.text.length) offsetMin = c.offset();
    if (c.i < c.text.length && offsetMin === undefined) return undefined;
  }
  if (c.i !== c.text.length) return undefined;
  return wallClock(f, offsetMin);
}

function wallClock(f: Record<string, number>, offsetMin: number | undefined): Parsed | undefined {
  const [Y, M, D, h, m, s, ms] = [f.YYYY, f.MM, f.DD, f.HH, f.mm, f.ss, f.SSS] as [number, number, number, number, number, number, number];
  if (M < 1 || M > 12 || D < 1 || h > 23 || m > 59 || s > 59) return undefined;
  // setUTCFullYear rather than Date.UTC, which maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(Y, M - 1, D);
  if (date.getUTCDate() !== D) return undefined; // 31 April, 29 February of a common year
  return { wall: date.setUTCHours(h, m, s, ms), offsetMin };
}

// ---- time zones -------------------------------------------------------------------------------

const DAY = 86_400_000;

/** The UTC offset of a zone at an instant, in ms, read from Intl (cached formatter per zone). */
export class Zone {
  private readonly dtf: Intl.DateTimeFormat;
  constructor(readonly name: string) {
    this.dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  /**
   * Offsets cached by 15-minute bucket, when the offset is the same at both ends of the bucket
   * (almost every bucket: transitions are rare). A bucket holding a transition is computed for
   * each instant, so a cached offset is never wrong.
   */
  private readonly cache = new Map<number, number | null>();

  offsetAt(utc: number): number {
    const bucket = Math.floor(utc / 900_000);
    let offset = this.cache.get(bucket);
    if (offset === undefined) {
      if (this.cache.size >= 4096) this.cache.clear();
      const start = this.compute(bucket * 900_000);
      offset = start === this.compute(bucket * 900_000 + 899_000) ? start : null;
      this.cache.set(bucket, offset);
    }
    return offset ?? this.compute(utc);
  }

  private compute(utc: number): number {
    const f: Record<string, number> = {};
    let bc = false;
    for (const part of this.dtf.formatToParts(utc)) {
      if (part.type === 'era') bc = part.value.startsWith('B');
      else if (part.type !== 'literal') f[part.type] = Number(part.value);
    }
    const year = bc ? 1 - (f.year ?? 0) : (f.year ?? 0);
    const local = new Date(Date.UTC(2000, (f.month ?? 1) - 1, f.day, f.hour, f.minute, f.second)).setUTCFullYear(year);
    return local - (utc - (((utc % 1000) + 1000) % 1000));
  }

  /** The instant a wall-clock time in this zone names (see the module note for DST gaps and overlaps). */
  toUtc(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    let best: number | undefined;
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = wall - offset;
      if (this.offsetAt(candidate) === offset && (best === undefined || candidate < best)) best = candidate;
    }
    return best ?? wall - before;
  }
}

function zoneOf(name: string | undefined, field: string): Zone | undefined {
  if (name === undefined || name === 'UTC' || name === 'Etc/UTC') return undefined;
  try {
    return new Zone(name);
  } catch (error) {
    throw new MappingError(field, `${JSON.stringify(name)} is not an IANA time zone (e.g. America/Los_Angeles)`, { cause: error });
  }
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

function formatTokens(utc: number, tokens: readonly Token[], zone: Zone | undefined): string {
  const offset = zone ? zone.offsetAt(utc) : 0;
  const d = new Date(utc + offset);
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') out += token.text;
    else if (token.kind === 'offset') {
      const minutes = Math.round(offset / 60_000);
      out += `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60), 2)}${token.colon ? ':' : ''}${pad(minutes % 60, 2)}`;
    } else {
      const value = { YYYY: d.getUTCFullYear(), MM: d.getUTCMonth() + 1, DD: d.getUTCDate(), HH: d.getUTCHours(), mm: d.getUTCMinutes(), ss: d.getUTCSeconds(), SSS: d.getUTCMilliseconds() }[token.name];
      out += pad(value, token.name.length);
    }
  }
  return out;
}

export interface DateOptions {
  extractDateFormat?: string | undefined;
  extractDateTimezone?: string | undefined;
  generateDateFormat?: string | undefined;
  generateDateTimezone?: string | undefined;
}

/** Whether a field asks for a date conversion at all. */
export function hasDateOptions(options: DateOptions): boolean {
  return options.extractDateFormat !== undefined || options.generateDateFormat !== undefined || options.extractDateTimezone !== undefined || options.generateDateTimezone !== undefined;
}

/**
 * Compiles a field's date conversion: value (text or epoch number) → formatted value or Failure.
 *
 * @example compileDateConversion({ extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' }, 'at')('2017-11-30 03:33')
 * // '2017-11-30T11:33:00.000Z'
 */
export function compileDateConversion(options: DateOptions, field: string): (value: unknown) => unknown {
  const input = compileFormat(options.extractDateFormat, field);
  const output = compileFormat(options.generateDateFormat, field);
  const inZone = zoneOf(options.extractDateTimezone, field);
  const outZone = zoneOf(options.generateDateTimezone, field);
  const outTokens = output.kind === 'tokens' ? output.tokens : ISO_OUT;
  const expected = options.extractDateFormat ?? 'an ISO 8601 date';
  return (value) => {
    let utc: number | undefined;
    if (typeof value === 'number' && input.kind !== 'tokens') utc = value * (input.kind === 'epoch' ? input.unit : 1);
    else if (typeof value === 'number' && Number.isInteger(value)) value = String(value); // 20171130 read as YYYYMMDD
    if (typeof value === 'string' && input.kind === 'epoch') utc = value.trim() === '' ? undefined : Number(value) * input.unit;
    else if (typeof value === 'string') {
      const parsed = input.kind === 'tokens' ? parseTokens(value, input.tokens) : parseIso(value);
      if (parsed) utc = parsed.offsetMin !== undefined ? parsed.wall - parsed.offsetMin * 60_000 : inZone ? inZone.toUtc(parsed.wall) : parsed.wall;
    }
    if (utc === undefined || !Number.isFinite(utc) || Math.abs(utc) > 8.64e15) return new Failure(`cannot read ${preview(value)} as a date (expected ${expected})`);
    if (output.kind === 'epoch') return Math.floor(utc / output.unit);
    if (output.kind === 'iso' && !outZone) return new Date(utc).toISOString();
    return formatTokens(utc, outTokens, outZone);
  };
}
