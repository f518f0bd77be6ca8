import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One upstream page as every export source yields it: records and where the next page is. */
export interface SourcePage {
  records: unknown[];
  /** Opaque, JSON-serialisable position of the next upstream page; absent after the last. */
  next?: unknown;
  totals?: { totalPages?: number; totalRecords?: number };
}

/** Opens the source at a position (undefined = the first page). */
export type OpenSource = (resume: unknown) => AsyncGenerator<SourcePage, unknown>;

/** The state handed to the client between calls, in the shape of seed 003. */
export interface PagedExportState {
  searchId: string;
  pageIndex: number;
  pageSize: number;
  totalPages?: number;
  totalRecords?: number;
  done: boolean;
  issuedAt: number;
  sig: string;
}

/** What `searchId` carries: the upstream position, how much of that page was served, whose it is. */
export interface SearchPosition {
  v: 1;
  /** team id */
  t: string;
  /** connection id */
  c: string;
  /** hash of the export model: the next call must send the same export */
  h: string;
  /** upstream page to fetch next (undefined = first page) */
  cp?: unknown;
  /** records of that upstream page already served */
  skip: number;
}

export type StateRefusal = 'malformed' | 'tampered' | 'expired' | 'foreign' | 'different_export';

/** How long a paged export can be continued. */
export const PAGED_STATE_TTL_SECONDS = 3600;

/** A stable hash of the export model (key order does not matter; pageSize and paging state do not count). */
export function exportHash(model: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.keys(value)
          .filter((k) => k !== 'pageSize' && k !== 'asynchronous')
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(model))).digest('base64url').slice(0, 22);
}

function signable(state: Omit<PagedExportState, 'sig'>): string {
  const keys = ['searchId', 'pageIndex', 'pageSize', 'totalPages', 'totalRecords', 'done', 'issuedAt'] as const;
  return JSON.stringify(keys.map((k) => state[k] ?? null));
}

/**
 * Signs and checks paged-export states: an HMAC-SHA256 over every field (hex, as in the seed),
 * compared in constant time, with an expiry and bound to the team, connection and export.
 */
export class PagedStateSigner {
  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
    /** Seals searchId (it holds the upstream cursor, which may be a URL with credentials in it). */
    private readonly seal: { encode(position: SearchPosition): string; decode(searchId: string): SearchPosition } = {
      encode: (position) => Buffer.from(JSON.stringify(position)).toString('base64url'),
      decode: (searchId) => JSON.parse(Buffer.from(searchId, 'base64url').toString('utf8')) as SearchPosition,
    },
  ) {}

  /** The searchId of a position, sealed. */
  searchId(position: SearchPosition): string {
    return this.seal.encode(position);
  }

  sign(state: Omit<PagedExportState, 'sig'>): PagedExportState {
    return { ...state, sig: createHmac('sha256', this.key).update(signable(state)).digest('hex') };
  }

  verify(state: unknown, expected: { teamId: string; connectionId: string; hash: string }): { ok: true; state: PagedExportState; position: SearchPosition } | { ok: false; reason: StateRefusal } {
    if (typeof state !== 'object' || state === null) return { ok: false, reason: 'malformed' };
    const s = state as PagedExportState;
    if (typeof s.searchId !== 'string' || typeof s.sig !== 'string' || typeof s.issuedAt !== 'number' || typeof s.pageIndex !== 'number' || typeof s.pageSize !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    const given = Buffer.from(s.sig, 'hex');
    const want = createHmac('sha256', this.key).update(signable(s)).digest();
    if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'tampered' };
    if ((s.issuedAt + PAGED_STATE_TTL_SECONDS) * 1000 < this.now()) return { ok: false, reason: 'expired' };
    let position: SearchPosition;
    try {
      position = this.seal.decode(s.searchId);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (position.t !== expected.teamId || position.c !== expected.connectionId) return { ok: false, reason: 'foreign' };
    if (position.h !== expected.hash) return { ok: false, reason: 'different_export' };
    return { ok: true, state: s, position };
  }
}

export interface PagedResult {
  data: unknown[];
  done: boolean;
  /** Where the next call continues; undefined when done. */
  position?: Omit<SearchPosition, 'v' | 't' | 'c' | 'h'>;
  totals?: { totalPages?: number; totalRecords?: number };
}

/**
 * Serves exactly `pageSize` records from `position`, across upstream pages of any size: it
 * re-fetches the upstream page it stopped in, skips what was already served, and records the
 * new position. No record is skipped or repeated across calls, whatever the upstream page size.
 */
export async function collectPage(open: OpenSource, position: { cp?: unknown; skip: number }, pageSize: number): Promise<PagedResult> {
  const data: unknown[] = [];
  let cp = position.cp;
  let skip = position.skip;
  let totals: PagedResult['totals'];
  const pages = open(cp);
  try {
    for await (const page of pages) {
      if (page.totals) totals = page.totals;
      const available = skip > 0 ? page.records.slice(skip) : page.records;
      const need = pageSize - data.length;
      if (available.length > need) {
        data.push(...available.slice(0, need));
        return { data, done: false, position: { cp, skip: skip + need }, ...(totals ? { totals } : {}) };
      }
      data.push(...available);
      if (page.next === undefined) return { data, done: true, ...(totals ? { totals } : {}) };
      cp = page.next;
      skip = 0;
      if (data.length === pageSize) return { data, done: false, position: { cp, skip: 0 }, ...(totals ? { totals } : {}) };
    }
  } finally {
    await pages.return(undefined);
  }
  return { data, done: true, ...(totals ? { totals } : {}) };
}
