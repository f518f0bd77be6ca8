import type { NormalizedUser, RowError, UserLookup, UserStatus } from './validate.js';

// The set of a file's valid users (see ValidUsers), apart from the row checks of validate.ts.

/** The error of a later row that repeats an earlier row's key (an email, a license name). */
export function duplicateRowError(input: {
  section: RowError['section'];
  row: number;
  firstRow: number;
  field: string;
  value: string;
  license?: string;
}): RowError {
  const where = input.section === 'licenses.users' ? `users[${input.firstRow}] of this license` : `${input.section}[${input.firstRow}]`;
  return {
    section: input.section,
    row: input.row,
    ...(input.license !== undefined ? { license: input.license } : {}),
    field: input.field,
    message: `"${input.value}" is already used by ${where}; this later row is skipped`,
  };
}

/**
 * The file's valid users by normalised email: refuses duplicates (the later row) and serves as the
 * `UserLookup` of `validateLicenseUser`. A million users must fit in a few tens of MB, so this is
 * not a `Map` of objects but an open-addressing hash table over typed arrays: the emails' characters
 * go into fixed-size pages (one byte each when they are all Latin-1, two otherwise), and each entry
 * keeps where its email starts, its length, its hash, its row and its status (about 45 bytes a
 * user, table included).
 */
export class ValidUsers implements UserLookup {
  /** Emails of Latin-1 characters only (bytes), and the others (UTF-16 code units). */
  private readonly narrow = new Arena(Uint8Array);
  private readonly wide = new Arena(Uint16Array);
  /** Per entry: page × PAGE + offset of the email's first character; the top bit marks a wide email. */
  private starts = new Uint32Array(1024);
  private lengths = new Uint16Array(1024);
  private hashes = new Int32Array(1024);
  private rows = new Uint32Array(1024);
  private statuses = new Uint8Array(1024);
  /** Slots: entry index + 1, 0 when free. Kept at most half full. */
  private slots = new Int32Array(2048);
  private count = 0;

  /** Returns the duplicate error when the email was already taken by an earlier row. */
  add(user: NormalizedUser, row: number): RowError | null {
    const email = user.email;
    const hash = hashOf(email);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot]!; entry !== 0; entry = this.slots[slot]!) {
      if (this.matches(entry - 1, email, hash)) {
        return duplicateRowError({ section: 'users', row, firstRow: this.rows[entry - 1]!, field: 'email', value: email });
      }
      slot = (slot + 1) & mask;
    }
    const index = this.count++;
    if (index === this.starts.length) this.growEntries();
    this.starts[index] = isLatin1(email) ? this.narrow.store(email) : WIDE + this.wide.store(email);
    this.lengths[index] = email.length;
    this.hashes[index] = hash;
    this.rows[index] = row;
    this.statuses[index] = user.status === 'deleted' ? 1 : 0;
    this.slots[slot] = index + 1;
    if (this.count * 2 > this.slots.length) this.growSlots();
    return null;
  }

  get(email: string): UserStatus | undefined {
    const hash = hashOf(email);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask, entry = this.slots[slot]!; entry !== 0; slot = (slot + 1) & mask, entry = this.slots[slot]!) {
      if (this.matches(entry - 1, email, hash)) return this.statuses[entry - 1] === 1 ? 'deleted' : 'active';
    }
    return undefined;
  }

  get size(): number {
    return this.count;
  }

  private matches(index: number, email: string, hash: number): boolean {
    if (this.hashes[index] !== hash || this.lengths[index] !== email.length) return false;
    const start = this.starts[index]!;
    return start >= WIDE ? this.wide.equals(start - WIDE, email) : this.narrow.equals(start, email);
  }

  private growEntries(): void {
    const size = this.starts.length * 2;
    this.starts = grow(this.starts, new Uint32Array(size));
    this.lengths = grow(this.lengths, new Uint16Array(size));
    this.hashes = grow(this.hashes, new Int32Array(size));
    this.rows = grow(this.rows, new Uint32Array(size));
    this.statuses = grow(this.statuses, new Uint8Array(size));
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let slot = this.hashes[index]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
  }
}

/** Marks a start in the wide arena (starts stay below 2^31 in each arena: 2,048 pages of 2^20). */
const WIDE = 2 ** 31;

/** Pages of characters, one email after the other; an email never spans two pages. */
class Arena<T extends Uint8Array | Uint16Array> {
  private static readonly PAGE = 1 << 20;
  private readonly pages: T[] = [];
  private used = Arena.PAGE;

  constructor(private readonly Page: new (length: number) => T) {}

  /** Where `text` now starts: page × PAGE + offset. */
  store(text: string): number {
    if (this.used + text.length > Arena.PAGE) {
      this.pages.push(new this.Page(Arena.PAGE));
      this.used = 0;
    }
    const page = this.pages[this.pages.length - 1]!;
    const offset = this.used;
    for (let i = 0; i < text.length; i++) page[offset + i] = text.charCodeAt(i);
    this.used += text.length;
    return (this.pages.length - 1) * Arena.PAGE + offset;
  }

  equals(start: number, text: string): boolean {
    const page = this.pages[Math.floor(start / Arena.PAGE)]!;
    const offset = start % Arena.PAGE;
    for (let i = 0; i < text.length; i++) if (page[offset + i] !== text.charCodeAt(i)) return false;
    return true;
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function grow<T extends Uint32Array | Uint16Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** FNV-1a over UTF-16 code units. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
