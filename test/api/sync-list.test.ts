import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** GET /v1.0/services/sync/custom?idAppAccount=…: an app account's syncs, newest first, paged, light. */

type Sync = { id: string; status: string; idAppAccount: string; counts: Record<string, number>; rowErrorCount: number; rowErrors?: unknown[]; error: string | null; createdAt: string };
type Page = { syncs: Sync[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; message: string; details: unknown } };

let server: TestServer;
let accountId: string;
let otherAccountId: string;
let keyB: string;
let accountB: string;
/** The syncs of `accountId` in the order they were started. */
const started: string[] = [];

const GOOD = { users: [{ email: 'ann@example.com' }, { email: 'bob@example.com' }], licenses: [{ name: 'Pro', users: [{ email: 'ann@example.com' }] }] };
const BAD_ROWS = { users: [{ email: 'ann@example.com' }, { email: 'not-an-email' }, { email: 'also bad' }] };

async function createAccount(name: string, key?: string): Promise<string> {
  const options = key ? { key } : {};
  const app = await server.request<{ app: { id: string } }>('POST', '/v1.0/apps/custom', { name: `App ${name}` }, options);
  return (await server.request<{ appAccount: { id: string } }>('POST', '/v1.0/app-accounts', { idApp: app.body.app.id, name }, options)).body.appAccount.id;
}

/** The five steps of the file sync; answers the sync id once it finished. */
async function syncFile(payload: unknown, account: string): Promise<string> {
  const url = await server.request<{ uploadFileParameters: { url: string; filePath: string } }>('GET', '/v1.0/files/url?name=users.json&type=application/json');
  const put = await fetch(url.body.uploadFileParameters.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  expect(put.status).toBe(200);
  const file = await server.request<{ id: number }>('POST', '/v1.0/files', { path: url.body.uploadFileParameters.filePath, type: 'customIntegrationData' });
  const sync = await server.request<{ sync: { id: string } }>('PUT', '/v1.0/services/sync/custom', { idFile: file.body.id, idAppAccount: account });
  expect(sync.status, sync.text).toBe(202);
  await server.context.syncs.idle();
  return sync.body.sync.id;
}

function list(query: string, key?: string) {
  return server.request<Page & ErrorBody>('GET', `/v1.0/services/sync/custom?${query}`, undefined, key ? { key } : {});
}

/** Follows nextCursor from the first page to the last. */
async function walk(query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.syncs.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.syncs.map((s) => s.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 50);
  return { ids, pages };
}

beforeAll(async () => {
  server = await startTestServer();
  accountId = await createAccount('Seat Counter (prod)');
  otherAccountId = await createAccount('Seat Counter (test)');
  keyB = (await server.newTeam('team-b')).key;
  accountB = await createAccount('B account', keyB);
  started.push(await syncFile(GOOD, accountId));
  started.push(await syncFile(BAD_ROWS, accountId));
  started.push(await syncFile('{"users": [', accountId));
  for (let i = 0; i < 3; i++) started.push(await syncFile(GOOD, accountId));
  await syncFile(GOOD, otherAccountId);
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe("listing an app account's syncs", () => {
  it('answers every sync of the account, newest first, as the single-sync object without rowErrors', async () => {
    const res = await list(`idAppAccount=${accountId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.syncs.map((s) => s.id)).toEqual([...started].reverse());
    const times = res.body.syncs.map((s) => s.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    for (const listed of res.body.syncs) {
      const full = (await server.request<{ sync: Sync }>('GET', `/v1.0/services/sync/custom/${listed.id}`)).body.sync;
      expect(listed).not.toHaveProperty('rowErrors');
      const { rowErrors, ...rest } = full;
      expect(listed).toEqual(rest);
      expect(listed.rowErrorCount).toBe(full.counts.rowErrors ?? rowErrors?.length);
      expect(listed.idAppAccount).toBe(accountId);
    }
    const statuses = res.body.syncs.map((s) => s.status).reverse();
    expect(statuses).toEqual(['success', 'partial', 'failed', 'success', 'success', 'success']);
    const partial = res.body.syncs.find((s) => s.status === 'partial');
    expect(partial?.rowErrorCount).toBe(2);
    expect(res.body.syncs.find((s) => s.status === 'failed')?.error).toEqual(expect.any(String));
  });

  it("lists only that account's syncs", async () => {
    const other = await list(`idAppAccount=${otherAccountId}`);
    expect(other.status).toBe(200);
    expect(other.body.syncs).toHaveLength(1);
    expect(started).not.toContain(other.body.syncs[0]?.id);
  });

  it('filters by status', async () => {
    const success = await list(`idAppAccount=${accountId}&status=success`);
    expect(success.body.syncs.map((s) => s.id)).toEqual([started[5], started[4], started[3], started[0]]);
    const partial = await list(`idAppAccount=${accountId}&status=partial`);
    expect(partial.body.syncs.map((s) => s.id)).toEqual([started[1]]);
    const failed = await list(`idAppAccount=${accountId}&status=failed`);
    expect(failed.body.syncs.map((s) => s.id)).toEqual([started[2]]);
    const running = await list(`idAppAccount=${accountId}&status=running`);
    expect(running.body).toEqual({ syncs: [], nextCursor: null });
  });

  it('pages with limit and nextCursor, every sync once, in the same order', async () => {
    const all = [...started].reverse();
    for (const limit of [1, 2, 4, 6]) {
      const { ids, pages } = await walk(`idAppAccount=${accountId}`, limit);
      expect(ids, `limit ${limit}`).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
    const first = await list(`idAppAccount=${accountId}&limit=2`);
    expect(first.body.syncs).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // Paging within a filter.
    const success = await walk(`idAppAccount=${accountId}&status=success`, 3);
    expect(success).toEqual({ ids: [started[5], started[4], started[3], started[0]], pages: 2 });
  });

  it('keeps its place when a sync starts between two pages', async () => {
    const first = await list(`idAppAccount=${otherAccountId}&limit=1`);
    expect(first.body.nextCursor).toBeNull();
    const newer = await syncFile(GOOD, otherAccountId);
    const top = await list(`idAppAccount=${otherAccountId}&limit=1`);
    expect(top.body.syncs[0]?.id).toBe(newer);
    const next = await list(`idAppAccount=${otherAccountId}&limit=1&cursor=${encodeURIComponent(top.body.nextCursor ?? '')}`);
    expect(next.body).toEqual({ syncs: first.body.syncs, nextCursor: null });
  });

  it('refuses bad queries with 400 and the error envelope', async () => {
    const cases: Array<[string, string]> = [
      ['', 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&status=done`, 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&limit=0`, 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&limit=1001`, 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&limit=two`, 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&idApp=x`, 'VALIDATION_FAILED'],
      [`idAppAccount=${accountId}&cursor=not-a-cursor`, 'INVALID_CURSOR'],
      [`idAppAccount=${accountId}&cursor=${Buffer.from('000000000000000000000000').toString('base64url')}`, 'INVALID_CURSOR'],
    ];
    for (const [query, code] of cases) {
      const res = await list(query);
      expect(res.status, `${query}: ${res.text}`).toBe(400);
      expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
      expect(res.body.error).toHaveProperty('details');
    }
    // A cursor from another account's list is not a place in this one.
    const other = (await list(`idAppAccount=${otherAccountId}&limit=1`)).body.nextCursor;
    expect(other).toEqual(expect.any(String));
    const crossed = await list(`idAppAccount=${accountId}&cursor=${encodeURIComponent(other ?? '')}`);
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.code).toBe('INVALID_CURSOR');
  });

  it('answers 404 for a missing app account, and for another team exactly as for a missing one', async () => {
    const missingId = accountId.slice(0, -4) + (accountId.endsWith('ffff') ? 'eeee' : 'ffff');
    const missing = await list(`idAppAccount=${missingId}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('APP_ACCOUNT_NOT_FOUND');
    const foreign = await list(`idAppAccount=${accountId}`, keyB);
    const absent = await list(`idAppAccount=${missingId}`, keyB);
    expect(foreign.status).toBe(404);
    expect(foreign.text.replaceAll(accountId, '<id>').replace(/request id \w+/g, '')).toBe(absent.text.replaceAll(missingId, '<id>').replace(/request id \w+/g, ''));
    expect(foreign.text).not.toContain(started[0]);
    // B's own account: its (empty) list.
    const own = await list(`idAppAccount=${accountB}`, keyB);
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ syncs: [], nextCursor: null });
  });

  it('is described in the OpenAPI document, saying the listed syncs carry no rowErrors', async () => {
    const doc = await server.request<{ paths: Record<string, { get?: { description?: string; parameters?: Array<{ name: string }> } }> }>('GET', '/openapi.json');
    const get = doc.body.paths['/v1.0/services/sync/custom']?.get;
    expect(get?.description).toMatch(/not the rowErrors/);
    expect(get?.parameters?.map((p) => p.name).sort()).toEqual(['cursor', 'idAppAccount', 'limit', 'status']);
  });
});
