import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PayloadItem, readSyncPayload } from './stream.js';
import { ValidUsers, validateLicense, validateLicenseUser, validateUser } from './validate.js';
import { LICENSE_USERS_BEFORE_NAME_LIMIT, ROW_BYTES_LIMIT } from './walker.js';

/** Feeds `text` in chunks of `size` bytes (splitting multi-byte characters too), counting what was pulled. */
function chunksOf(text: string, size: number, pulled = { chunks: 0 }): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) {
      pulled.chunks += 1;
      yield bytes.subarray(i, i + size);
    }
  })();
}

async function collect(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, options?: { maxUsers?: number }): Promise<PayloadItem[]> {
  const items: PayloadItem[] = [];
  for await (const item of readSyncPayload(source, options)) items.push(item);
  return items;
}

const read = (value: unknown, size = 7) => collect(chunksOf(typeof value === 'string' ? value : JSON.stringify(value), size));
const fileError = (message: string, position?: number) => ({ kind: 'error', error: { section: 'file', message, ...(position === undefined ? {} : { position }) } });
const aUser = (i: number) => ({ email: `user${i}@example.com`, id: `u-${i}`, firstName: i % 7 === 0 ? 'Zoë' : 'Ada', status: i % 10 === 0 ? 'deleted' : 'active', roles: ['member'], lastUsedDate: '2024-05-31' });

describe('readSyncPayload: order and shape', () => {
  it('yields users, license users and then their license, with licenses before users', async () => {
    const items = await read({
      licenses: [{ name: 'Pro', pricePerUser: 1299, users: [{ email: 'a@b.c' }, { email: 'x@y.z', licenseStatus: 'inactive' }], extra: [1] }, 5],
      meta: { exportedBy: 'test', nested: [{ deep: [1, 2, { users: [] }] }] },
      users: [{ email: 'a@b.c' }, 7],
    });
    expect(items).toEqual([
      { kind: 'license-user', license: 'Pro', licenseIndex: 0, index: 0, raw: { email: 'a@b.c' } },
      { kind: 'license-user', license: 'Pro', licenseIndex: 0, index: 1, raw: { email: 'x@y.z', licenseStatus: 'inactive' } },
      { kind: 'license', index: 0, raw: { name: 'Pro', unassignedAmount: undefined, pricePerUser: 1299, usersCount: 2 } },
      { kind: 'error', error: { section: 'licenses', row: 1, field: '', message: 'must be an object, not the number 5' } },
      { kind: 'user', index: 0, raw: { email: 'a@b.c' } },
      { kind: 'user', index: 1, raw: 7 },
    ]);
  });

  it('passes a non-array license "users" on for validateLicense to report', async () => {
    const items = await read({ users: [{ email: 'a@b.c' }], licenses: [{ name: 'Pro', users: { email: 'a@b.c' } }], licensesNull: null });
    const license = items.find((item) => item.kind === 'license');
    expect(license).toEqual({ kind: 'license', index: 0, raw: { name: 'Pro', unassignedAmount: undefined, pricePerUser: undefined, usersCount: 0, users: { email: 'a@b.c' } } });
    expect(validateLicense(license!.raw, 0)).toMatchObject({ ok: false, error: { field: 'users', message: 'must be an array of license users, not an object' } });
  });

  it('holds back license users until a later "name", and skips a license with too many of them', async () => {
    const early = Array.from({ length: LICENSE_USERS_BEFORE_NAME_LIMIT + 1 }, () => ({ email: 'a@b.c' }));
    const items = await read(
      { users: [{ email: 'a@b.c' }], licenses: [{ users: [{ email: 'a@b.c' }, 'x'], name: ' Late ' }, { users: early, name: 'Big' }, { users: [{}] }] },
      4096,
    );
    expect(items).toEqual([
      { kind: 'user', index: 0, raw: { email: 'a@b.c' } },
      { kind: 'license-user', license: 'Late', licenseIndex: 0, index: 0, raw: { email: 'a@b.c' } },
      { kind: 'license-user', license: 'Late', licenseIndex: 0, index: 1, raw: 'x' },
      { kind: 'license', index: 0, raw: { name: ' Late ', unassignedAmount: undefined, pricePerUser: undefined, usersCount: 2 } },
      {
        kind: 'error',
        error: {
          section: 'licenses',
          row: 1,
          field: 'name',
          message: `must come before "users" when a license has more than ${LICENSE_USERS_BEFORE_NAME_LIMIT} users, so that they can be streamed; this license is skipped`,
        },
      },
      // A license without a name: its users are dropped; validateLicense reports the missing name.
      { kind: 'license', index: 2, raw: { name: undefined, unassignedAmount: undefined, pricePerUser: undefined, usersCount: 1 } },
    ]);
  });

  it('reports a row larger than the limit and goes on with the next rows', async () => {
    const big = { email: 'big@b.c', roles: Array.from({ length: ROW_BYTES_LIMIT / 8 }, () => 'abcdef') };
    const items = await read({ users: [{ email: 'a@b.c' }, big, { email: 'c@d.e' }] }, 65_536);
    expect(items).toEqual([
      { kind: 'user', index: 0, raw: { email: 'a@b.c' } },
      { kind: 'error', error: { section: 'users', row: 1, field: '', message: 'is larger than 1 MiB; rows are limited so that the file streams in bounded memory' } },
      { kind: 'user', index: 2, raw: { email: 'c@d.e' } },
    ]);
  });

  it('keeps "__proto__" as an own property, like JSON.parse', async () => {
    const items = await read('{"users":[{"email":"a@b.c","__proto__":{"polluted":true}}]}');
    const raw = (items[0] as { raw: Record<string, unknown> }).raw;
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
    expect(raw).toEqual(JSON.parse('{"email":"a@b.c","__proto__":{"polluted":true}}'));
  });
});

describe('readSyncPayload: file errors', () => {
  it.each([
    ['', 'The file is empty; it must be a JSON object with a "users" array.', undefined],
    ['  \n', 'The file is empty; it must be a JSON object with a "users" array.', undefined],
    ['email,name\na@b.c,Ada', 'The file is not valid JSON at byte 0: unexpected "e".', 0],
    ['nope', 'The file is not valid JSON at byte 1: unexpected "o".', 1],
    ['[{"email":"a@b.c"}]', 'The file must be a JSON object with a "users" array, not an array.', 0],
    ['"users"', 'The file must be a JSON object with a "users" array, not the string "users".', 0],
    ['{"licenses":[]}', 'The file has no "users" array; it must be a JSON object with a "users" array of at least one user.', undefined],
    ['{"users":{"email":"a@b.c"}}', '"users" must be an array of users, not an object.', 9],
    ['{"users":[],"licenses":"none"}', '"licenses" must be an array of licenses, not the string "none".', 23],
    ['{"users":[]} {}', 'The file has data after the end of its JSON document, at byte 13.', 13],
    ['{"users":[] "licenses":[]}', 'The file is not valid JSON at byte 12: expected "," or "}", found the string "licenses".', 12],
    ['{"users":[,]}', 'The file is not valid JSON at byte 10: expected a value, found ",".', 10],
    ['{"users":[{"email":"a@b.c"', 'The file ends in the middle of its JSON document (was the upload cut short?).', undefined],
    ['{"users":[{"email":"a@b', 'The file ends in the middle of its JSON document (was the upload cut short?).', undefined],
  ])('%j', async (text, message, position) => {
    const items = await read(text);
    expect(items.at(-1)).toEqual(fileError(message, position));
    expect(items.filter((item) => item.kind === 'error')).toHaveLength(1);
  });

  it('yields the rows before broken JSON, then the file error, and stops', async () => {
    const text = `{"users":[${JSON.stringify(aUser(0))},${JSON.stringify(aUser(1))},{"email": tru},${JSON.stringify(aUser(3))}]}`;
    const items = await read(text, 16);
    const position = Buffer.byteLength(text.slice(0, text.indexOf('tru}') + 3));
    expect(items).toEqual([
      { kind: 'user', index: 0, raw: aUser(0) },
      { kind: 'user', index: 1, raw: aUser(1) },
      fileError(`The file is not valid JSON at byte ${position}: unexpected "}".`, position),
    ]);
  });

  it('stops at maxUsers', async () => {
    const items = await read({ users: [aUser(0), aUser(1), aUser(2)] }, 5);
    expect(await collect(chunksOf(JSON.stringify({ users: [aUser(0), aUser(1)] }), 5), { maxUsers: 2 })).toHaveLength(2);
    const limited = await collect(chunksOf(JSON.stringify({ users: [aUser(0), aUser(1), aUser(2)] }), 5), { maxUsers: 2 });
    expect(items).toHaveLength(3);
    expect(limited.map((item) => item.kind)).toEqual(['user', 'user', 'error']);
    expect(limited[2]).toMatchObject(fileError('The file has more than 2 users; the limit is 2.'));
  });
});

describe('readSyncPayload: streaming', () => {
  it('yields the first user once the first chunk is read, not after the whole input', async () => {
    const pulled = { chunks: 0 };
    const text = JSON.stringify({ users: Array.from({ length: 1000 }, (_, i) => aUser(i)) });
    const generator = readSyncPayload(chunksOf(text, 1024, pulled));
    const first = await generator.next();
    expect(first.value).toEqual({ kind: 'user', index: 0, raw: aUser(0) });
    expect(pulled.chunks).toBe(1);
    await generator.return(undefined);
  });

  it('reads a Node Readable, strings included, and closes it when the reader stops early', async () => {
    const text = JSON.stringify({ users: [aUser(0), aUser(1), aUser(2)] });
    const strings = Readable.from(Buffer.from(text), { objectMode: false, highWaterMark: 8 }).setEncoding('utf8');
    expect((await collect(strings)).map((item) => item.kind)).toEqual(['user', 'user', 'user']);
    const readable = Readable.from(chunksOf(text, 8));
    for await (const item of readSyncPayload(readable)) if (item.kind === 'user') break;
    expect(readable.destroyed).toBe(true);
  });

  it('syncs 200,000 users and 200,000 license users from 64 KiB chunks, reading ahead by a few chunks only', async () => {
    const USERS = 200_000;
    const CHUNK = 64 * 1024;
    const userEnds = new Float64Array(USERS);
    let produced = 0;
    // The payload is generated while it is read: the test never holds the file either.
    function* text(): Generator<string> {
      const pieces = ['{"app":{"name":"Test"},"users":['];
      for (let i = 0; i < USERS; i += 1) {
        pieces.push(`${i ? ',' : ''}${JSON.stringify(aUser(i))}`);
        for (const piece of pieces.splice(0)) {
          produced += Buffer.byteLength(piece);
          yield piece;
        }
        userEnds[i] = produced;
      }
      yield '],"licenses":[';
      for (const [l, name] of ['Pro', 'Basic'].entries()) {
        yield `${l ? ',' : ''}{"name":"${name}","pricePerUser":${1299 - l * 1000},"users":[`;
        for (let i = l; i < USERS; i += 2) yield `${i > 1 ? ',' : ''}{"email":"USER${i}@example.com"}`;
        yield ']}';
      }
      yield ']}';
    }
    let pulledBytes = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      let pending: Buffer[] = [];
      let size = 0;
      for (const piece of text()) {
        pending.push(Buffer.from(piece));
        size += pending.at(-1)!.length;
        if (size < CHUNK) continue;
        const all = Buffer.concat(pending);
        for (let at = 0; at + CHUNK <= all.length; at += CHUNK) {
          pulledBytes += CHUNK;
          yield all.subarray(at, at + CHUNK);
        }
        const rest = all.subarray(all.length - (all.length % CHUNK));
        pending = [rest];
        size = rest.length;
      }
      pulledBytes += size;
      yield Buffer.concat(pending);
    }

    const users = new ValidUsers();
    const counts = { users: 0, licenseUsers: 0, licenses: 0, errors: 0 };
    let maxLookAhead = 0;
    for await (const item of readSyncPayload(Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK }))) {
      if (item.kind === 'user') {
        if (item.index !== counts.users + counts.errors) counts.errors += 1;
        maxLookAhead = Math.max(maxLookAhead, pulledBytes - userEnds[item.index]!);
        const result = validateUser(item.raw, item.index);
        if (result.ok && users.add(result.user, item.index) === null) counts.users += 1;
      } else if (item.kind === 'license-user') {
        if (validateLicenseUser(item.raw, item.index, item.license, users).ok) counts.licenseUsers += 1;
      } else if (item.kind === 'license') {
        expect(validateLicense(item.raw, item.index)).toMatchObject({ ok: true, license: { usersCount: USERS / 2 } });
        counts.licenses += 1;
      } else counts.errors += 1;
    }
    expect(counts).toEqual({ users: USERS, licenseUsers: USERS, licenses: 2, errors: 0 });
    // Each user came out while the reader was at most a few chunks past it, out of ~40 MB.
    expect(pulledBytes).toBeGreaterThan(500 * CHUNK);
    expect(maxLookAhead).toBeLessThanOrEqual(4 * CHUNK);
  }, 120_000);
});

describe('readSyncPayload: property', () => {
  const email = fc.tuple(fc.stringMatching(/^[a-z0-9._-]{1,12}$/), fc.constantFrom('example.com', 'b.io', 'xn--bcher-kva.de')).map(([l, d]) => `${l}@${d}`);
  const text = fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }));
  const date = fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10)));
  const user = fc.record(
    { email, id: text, firstName: text, lastName: text, status: fc.constantFrom('active', 'deleted'), roles: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), lastUsedDate: date },
    { requiredKeys: ['email'] },
  );
  const payload = fc.uniqueArray(user, { minLength: 1, maxLength: 30, selector: (u) => u.email }).chain((users) =>
    fc.record({
      users: fc.constant(users),
      licenses: fc.uniqueArray(
        fc.record({
          name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((n) => n.trim() !== ''),
          pricePerUser: fc.nat(),
          users: fc.subarray(users.map((u) => ({ email: u.email }))),
        }),
        { maxLength: 4, selector: (l) => l.name.trim() },
      ),
      licensesFirst: fc.boolean(),
      indent: fc.constantFrom(0, 2),
      chunk: fc.integer({ min: 1, max: 64 }),
    }),
  );

  it('any valid payload round-trips: every row once, in order, valid', async () => {
    await fc.assert(
      fc.asyncProperty(payload, async ({ users, licenses, licensesFirst, indent, chunk }) => {
        const document = licensesFirst ? { licenses, users } : { users, licenses };
        const items = await collect(chunksOf(JSON.stringify(document, null, indent), chunk));
        expect(items.filter((i) => i.kind === 'error')).toEqual([]);
        expect(items.flatMap((i) => (i.kind === 'user' ? [[i.index, i.raw]] : []))).toEqual(users.map((u, i) => [i, u]));
        expect(items.flatMap((i) => (i.kind === 'license' ? [[i.index, i.raw.name, i.raw.usersCount]] : []))).toEqual(licenses.map((l, i) => [i, l.name, l.users.length]));
        const licenseUsers = items.flatMap((i) => (i.kind === 'license-user' ? [[i.licenseIndex, i.license, i.index, i.raw]] : []));
        expect(licenseUsers).toEqual(licenses.flatMap((l, li) => l.users.map((u, ui) => [li, l.name.trim(), ui, u])));
        const valid = new ValidUsers();
        for (const [index, raw] of users.entries()) {
          const result = validateUser(raw, index);
          expect(result.ok && valid.add(result.user, index)).toBeNull();
        }
        for (const [li, license, index, raw] of licenseUsers) expect(validateLicenseUser(raw, index as number, license as string, valid).ok, `${li}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('readSyncPayload: whole rows through JSON.parse read like the tokenizer', () => {
  const both = async (bytes: Buffer, chunk: number, maxUsers?: number) => {
    const chunks = async function* () {
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    };
    const fast: PayloadItem[] = [];
    for await (const item of readSyncPayload(chunks(), { maxUsers })) fast.push(item);
    const slow: PayloadItem[] = [];
    for await (const item of readSyncPayload(chunks(), { maxUsers, wholeRows: false })) slow.push(item);
    return { fast, slow };
  };
  // Any JSON (unicode, escapes, lone surrogates, numbers, nesting, "__proto__" keys) as rows.
  const row = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('email', '__proto__', 'roles')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    fc.record({ email: fc.string({ unit: 'binary' }), roles: fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 3 }) }),
  );
  const space = fc.constantFrom('', ' ', '\n', '\t\r\n ');
  const document = fc
    .record({ users: fc.array(row, { maxLength: 12 }), licenseUsers: fc.array(row, { maxLength: 6 }), ws: space, indent: fc.constantFrom(undefined, 1, '\t'), usersFirst: fc.boolean() })
    .map(({ users, licenseUsers, ws, indent, usersFirst }) => {
      const licenses = [{ name: 'Pro', users: licenseUsers }];
      const text = JSON.stringify(usersFirst ? { users, licenses } : { licenses, users }, null, indent);
      return { text: `${ws}${text}${ws}`, users, licenseUsers };
    });

  it('on valid documents: the rows JSON.parse gives, the same items as the tokenizer alone', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.integer({ min: 1, max: 300 }), async ({ text, users, licenseUsers }, chunk) => {
        const { fast, slow } = await both(Buffer.from(text), chunk);
        expect(fast).toEqual(slow);
        const parsed = JSON.parse(text) as { users: unknown[]; licenses: Array<{ users: unknown[] }> };
        expect(fast.flatMap((i) => (i.kind === 'user' ? [i.raw] : []))).toEqual(parsed.users);
        expect(fast.flatMap((i) => (i.kind === 'license-user' ? [i.raw] : []))).toEqual(parsed.licenses[0]!.users);
        expect(parsed.users).toHaveLength(users.length);
        expect(parsed.licenses[0]!.users).toHaveLength(licenseUsers.length);
      }),
      { numRuns: 300 },
    );
  });

  it('on damaged documents (a byte changed, cut, or invalid UTF-8): the same items and errors as the tokenizer alone', async () => {
    const damaged = fc.tuple(document, fc.nat(), fc.constantFrom(0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c, 0x2c, 0x3a, 0x20, 0x00, 0x80, 0xc3, 0xff, 0x31, 0x6e), fc.boolean());
    await fc.assert(
      fc.asyncProperty(damaged, fc.integer({ min: 1, max: 200 }), fc.option(fc.integer({ min: 0, max: 8 })), async ([{ text }, at, byte, cut], chunk, maxUsers) => {
        const bytes = Buffer.from(text);
        const where = at % bytes.length;
        const input = cut ? bytes.subarray(0, where) : Buffer.concat([bytes.subarray(0, where), Buffer.from([byte]), bytes.subarray(where + 1)]);
        const { fast, slow } = await both(input, chunk, maxUsers ?? undefined);
        expect(fast).toEqual(slow);
      }),
      { numRuns: 1000 },
    );
  });
});
