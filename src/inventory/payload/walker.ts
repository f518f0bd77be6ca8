import { type JsonTypes, TokenType } from '@streamparser/json';
import type { FileError, PayloadItem, StreamedLicense, UsersEnd } from './stream.js';

/**
 * Turns the JSON tokens of a sync payload into payload items, one row at a time. Only the row being
 * read is ever built as a value: `users[i]`, `licenses[i].users[j]` and the scalar fields of the
 * license being read. Everything else (unknown keys, the arrays themselves) is checked for JSON
 * grammar and dropped as it passes, so memory does not grow with the file.
 */

/** A row larger than this is reported and skipped instead of being built. */
export const ROW_BYTES_LIMIT = 1024 * 1024;
/**
 * License users are yielded with their license's name. When `users` comes before `name` in a
 * license object, that many are held back waiting for the name; past it the license is reported.
 */
export const LICENSE_USERS_BEFORE_NAME_LIMIT = 10_000;

type Role = 'root' | 'users' | 'licenses' | 'license' | 'license-users' | 'skip' | 'build';
type Expect = 'key-or-end' | 'key' | 'colon' | 'value-or-end' | 'value' | 'comma-or-end';
type Target = { kind: 'user'; index: number } | { kind: 'license-user'; index: number } | { kind: 'license-field'; field: LicenseField };
type LicenseField = (typeof LICENSE_FIELDS)[number];
type Container = Record<string, unknown> | unknown[];

const TRUNCATED = 'The file ends in the middle of its JSON document (was the upload cut short?).';
const LICENSE_FIELDS = ['name', 'unassignedAmount', 'pricePerUser', 'users'] as const;

interface Frame {
  array: boolean;
  role: Role;
  expect: Expect;
  /** The current property name (objects). */
  key: string;
  /** The value under construction (build frames). */
  value?: Container;
  /** Set on the outermost frame of a row: where the finished value goes. */
  target?: Target;
}

interface LicenseState {
  index: number;
  header: Partial<Record<LicenseField, unknown>>;
  usersCount: number;
  /** The trimmed name once a usable one was read. */
  name: string | null;
  pending: { index: number; raw: unknown }[];
  /** Reported as a row error: no license item is yielded for it. */
  broken: boolean;
}

export class PayloadWalker {
  private items: Array<PayloadItem | UsersEnd> = [];
  private stack: Frame[] = [];
  private state: 'start' | 'in' | 'done' = 'start';
  private sawUsers = false;
  private nextUser = 0;
  private nextLicense = 0;
  private license: LicenseState | null = null;
  private row: { start: number; depth: number; target: Target } | null = null;
  failed = false;

  constructor(private readonly maxUsers: number) {}

  /** The items produced since the last call. */
  take(): Array<PayloadItem | UsersEnd> {
    const items = this.items;
    this.items = [];
    return items;
  }

  token(type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    if (this.failed) return;
    if (this.row && offset - this.row.start > ROW_BYTES_LIMIT) this.dropRow();
    const top = this.stack.at(-1);
    if (!top) return this.outside(type, value, offset);
    switch (top.expect) {
      case 'key-or-end':
      case 'key':
        if (type === TokenType.STRING) {
          top.key = value as string;
          top.expect = 'colon';
        } else if (type === TokenType.RIGHT_BRACE && top.expect === 'key-or-end') this.close();
        else this.unexpected(type, value, offset, 'a property name in double quotes');
        return;
      case 'colon':
        if (type === TokenType.COLON) top.expect = 'value';
        else this.unexpected(type, value, offset, '":"');
        return;
      case 'value-or-end':
      case 'value':
        if (type === TokenType.RIGHT_BRACKET && top.expect === 'value-or-end') this.close();
        else if (isValueStart(type)) {
          top.expect = 'comma-or-end';
          this.startValue(top, type, value, offset);
        } else this.unexpected(type, value, offset, 'a value');
        return;
      case 'comma-or-end':
        if (type === TokenType.COMMA) top.expect = top.array ? 'value' : 'key';
        else if (type === (top.array ? TokenType.RIGHT_BRACKET : TokenType.RIGHT_BRACE)) this.close();
        else this.unexpected(type, value, offset, top.array ? '"," or "]"' : '"," or "}"');
        return;
    }
  }

  /**
   * True where the next value is a row (of `users` or of a license's `users`) that may be read
   * whole, without its tokens: see `wholeRow`.
   */
  rowSlot(): boolean {
    if (this.failed || this.row !== null) return false;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || (top.expect !== 'value' && top.expect !== 'value-or-end')) return false;
    if (top.role === 'users') return this.nextUser < this.maxUsers;
    return top.role === 'license-users';
  }

  /** A whole row, read at a `rowSlot`: the same as walking its tokens (which would build this value). */
  wholeRow(raw: unknown): void {
    const top = this.stack[this.stack.length - 1]!;
    top.expect = 'comma-or-end';
    if (top.role === 'users') this.items.push({ kind: 'user', index: this.nextUser++, raw });
    else this.deliver({ kind: 'license-user', index: this.license!.usersCount++ }, raw);
  }

  /** The "," after a whole row. */
  rowComma(): void {
    this.stack[this.stack.length - 1]!.expect = 'value';
  }

  /** The tokenizer refused the bytes (its message carries the byte position). */
  syntaxError(error: Error): void {
    if (this.failed) return;
    if (error.message.startsWith('Tokenizer ended')) return this.fail(TRUNCATED);
    const position = /absolute position "(\d+)"/.exec(error.message)?.[1];
    if (position === undefined) return this.fail(`The file is not valid JSON: ${error.message}`);
    // "Unexpected "x" at chunk position "2" (absolute position "41") in state TRUE3" → "unexpected "x""
    const what = error.message.replace(/ at chunk position .*$/, '').replace(/^Unexpected/, 'unexpected');
    this.fail(`The file is not valid JSON at byte ${position}: ${what}.`, Number(position));
  }

  /** The input is over. */
  end(): void {
    if (this.failed) return;
    if (this.state === 'start') this.fail('The file is empty; it must be a JSON object with a "users" array.');
    else if (this.state === 'in') this.fail(TRUNCATED);
    else if (!this.sawUsers) this.fail('The file has no "users" array; it must be a JSON object with a "users" array of at least one user.');
  }

  private outside(type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    if (this.state === 'done') return this.fail(`The file has data after the end of its JSON document, at byte ${offset}.`, offset);
    if (type === TokenType.LEFT_BRACE) {
      this.state = 'in';
      this.push('root', false);
    } else if (isValueStart(type)) {
      this.fail(`The file must be a JSON object with a "users" array, not ${describeToken(type, value)}.`, offset);
    } else this.unexpected(type, value, offset, 'a JSON object');
  }

  private startValue(parent: Frame, type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    switch (parent.role) {
      case 'build':
        return isContainerStart(type) ? void this.push('build', type === TokenType.LEFT_BRACKET, emptyContainer(type)) : attach(parent, value);
      case 'skip':
        return isContainerStart(type) ? void this.push('skip', type === TokenType.LEFT_BRACKET) : undefined;
      case 'root':
        return this.rootValue(parent.key, type, value, offset);
      case 'users':
        if (this.nextUser >= this.maxUsers) return this.fail(`The file has more than ${this.maxUsers} users; the limit is ${this.maxUsers}.`, offset);
        return this.beginRow({ kind: 'user', index: this.nextUser++ }, type, value, offset);
      case 'licenses':
        return this.licenseValue(this.nextLicense++, type, value);
      case 'license':
        return this.licenseField(parent.key, type, value, offset);
      case 'license-users':
        return this.beginRow({ kind: 'license-user', index: this.license!.usersCount++ }, type, value, offset);
    }
  }

  private rootValue(key: string, type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    if (key === 'users') {
      if (type !== TokenType.LEFT_BRACKET) return this.fail(`"users" must be an array of users, not ${describeToken(type, value)}.`, offset);
      this.sawUsers = true;
      this.push('users', true);
    } else if (key === 'licenses' && type !== TokenType.NULL) {
      if (type !== TokenType.LEFT_BRACKET) return this.fail(`"licenses" must be an array of licenses, not ${describeToken(type, value)}.`, offset);
      this.push('licenses', true);
    } else if (isContainerStart(type)) this.push('skip', type === TokenType.LEFT_BRACKET);
  }

  private licenseValue(index: number, type: TokenType, value: JsonTypes.JsonPrimitive): void {
    if (type === TokenType.LEFT_BRACE) {
      this.license = { index, header: {}, usersCount: 0, name: null, pending: [], broken: false };
      this.push('license', false);
      return;
    }
    this.items.push({ kind: 'error', error: { section: 'licenses', row: index, field: '', message: `must be an object, not ${describeToken(type, value)}` } });
    if (type === TokenType.LEFT_BRACKET) this.push('skip', true);
  }

  private licenseField(key: string, type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    if (key === 'users' && type === TokenType.LEFT_BRACKET) this.push('license-users', true);
    else if ((LICENSE_FIELDS as readonly string[]).includes(key)) this.beginRow({ kind: 'license-field', field: key as LicenseField }, type, value, offset);
    else if (isContainerStart(type)) this.push('skip', type === TokenType.LEFT_BRACKET);
  }

  private beginRow(target: Target, type: TokenType, value: JsonTypes.JsonPrimitive, offset: number): void {
    if (!isContainerStart(type)) return this.deliver(target, value);
    const frame = this.push('build', type === TokenType.LEFT_BRACKET, emptyContainer(type));
    frame.target = target;
    this.row = { start: offset, depth: this.stack.length - 1, target };
  }

  private close(): void {
    const frame = this.stack.pop()!;
    if (frame.role === 'root') this.state = 'done';
    else if (frame.role === 'users') this.items.push({ kind: 'users-end' });
    else if (frame.role === 'license') this.finishLicense();
    else if (frame.role === 'build' && frame.target) {
      this.row = null;
      this.deliver(frame.target, frame.value);
    } else if (frame.role === 'build') attach(this.stack.at(-1)!, frame.value);
  }

  private deliver(target: Target, raw: unknown): void {
    if (target.kind === 'user') return void this.items.push({ kind: 'user', index: target.index, raw });
    const license = this.license!;
    if (license.broken) return;
    if (target.kind === 'license-field') {
      license.header[target.field] = raw;
      if (target.field === 'name') this.nameLicense(license, raw);
    } else if (license.name !== null) {
      this.items.push({ kind: 'license-user', license: license.name, licenseIndex: license.index, index: target.index, raw });
    } else if (license.pending.push({ index: target.index, raw }) > LICENSE_USERS_BEFORE_NAME_LIMIT) {
      const message = `must come before "users" when a license has more than ${LICENSE_USERS_BEFORE_NAME_LIMIT} users, so that they can be streamed; this license is skipped`;
      this.breakLicense(license, 'name', message);
    }
  }

  private nameLicense(license: LicenseState, raw: unknown): void {
    license.name = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
    if (license.name === null) return;
    for (const { index, raw: user } of license.pending) {
      this.items.push({ kind: 'license-user', license: license.name, licenseIndex: license.index, index, raw: user });
    }
    license.pending = [];
  }

  private finishLicense(): void {
    const license = this.license!;
    this.license = null;
    if (license.broken) return;
    const { name, unassignedAmount, pricePerUser } = license.header;
    const raw: StreamedLicense = { name, unassignedAmount, pricePerUser, usersCount: license.usersCount };
    if ('users' in license.header) raw.users = license.header.users;
    this.items.push({ kind: 'license', index: license.index, raw });
  }

  private breakLicense(license: LicenseState, field: string, message: string): void {
    license.broken = true;
    license.pending = [];
    this.items.push({ kind: 'error', error: { section: 'licenses', row: license.index, field, message } });
  }

  /** The row being built passed ROW_BYTES_LIMIT: report it and skip the rest of it. */
  private dropRow(): void {
    const { depth, target } = this.row!;
    this.row = null;
    for (const frame of this.stack.slice(depth)) {
      frame.role = 'skip';
      delete frame.value;
      delete frame.target;
    }
    const message = `is larger than ${ROW_BYTES_LIMIT / 1024 / 1024} MiB; rows are limited so that the file streams in bounded memory`;
    if (target.kind === 'user') this.items.push({ kind: 'error', error: { section: 'users', row: target.index, field: '', message } });
    else if (target.kind === 'license-field') this.breakLicense(this.license!, target.field, message);
    else {
      const license = this.license!.name ?? '';
      this.items.push({ kind: 'error', error: { section: 'licenses.users', row: target.index, license, field: '', message } });
    }
  }

  private push(role: Role, array: boolean, value?: Container): Frame {
    const frame: Frame = { array, role, expect: array ? 'value-or-end' : 'key-or-end', key: '', ...(value ? { value } : {}) };
    this.stack.push(frame);
    return frame;
  }

  private unexpected(type: TokenType, value: JsonTypes.JsonPrimitive, offset: number, expected: string): void {
    this.fail(`The file is not valid JSON at byte ${offset}: expected ${expected}, found ${describeToken(type, value)}.`, offset);
  }

  private fail(message: string, position?: number): void {
    const error: FileError = { section: 'file', message, ...(position === undefined ? {} : { position }) };
    this.items.push({ kind: 'error', error });
    this.failed = true;
  }
}

function attach(parent: Frame, value: unknown): void {
  const container = parent.value!;
  if (Array.isArray(container)) container.push(value);
  // An own "__proto__" property, as JSON.parse makes it, instead of a prototype change.
  else if (parent.key === '__proto__') Object.defineProperty(container, '__proto__', { value, enumerable: true, writable: true, configurable: true });
  else container[parent.key] = value;
}

function emptyContainer(type: TokenType): Container {
  return type === TokenType.LEFT_BRACKET ? [] : {};
}

function isContainerStart(type: TokenType): boolean {
  return type === TokenType.LEFT_BRACE || type === TokenType.LEFT_BRACKET;
}

function isValueStart(type: TokenType): boolean {
  return isContainerStart(type) || type === TokenType.STRING || type === TokenType.NUMBER || type === TokenType.TRUE || type === TokenType.FALSE || type === TokenType.NULL;
}

function describeToken(type: TokenType, value: JsonTypes.JsonPrimitive): string {
  switch (type) {
    case TokenType.LEFT_BRACE:
      return 'an object';
    case TokenType.LEFT_BRACKET:
      return 'an array';
    case TokenType.STRING: {
      const text = value as string;
      return `the string ${JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text)}`;
    }
    case TokenType.NUMBER:
      return `the number ${String(value)}`;
    case TokenType.TRUE:
    case TokenType.FALSE:
    case TokenType.NULL:
      return String(value);
    default:
      return `"${String(value)}"`;
  }
}
