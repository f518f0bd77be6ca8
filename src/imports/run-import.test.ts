import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionDoc } from '../connections/model.js';
import { buildConnectionRequest, isConfigProblem } from '../connections/requests.js';
import type { ImportModel } from './model.js';
import { type ImportSend, runImport } from './run-import.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}
type Reply = { status: number; body?: unknown; delayMs?: number };

/** A real HTTP API on 127.0.0.1 that records every request and tracks how many are in flight. */
async function anApi(route: (seen: Seen) => Reply) {
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
      seen.push(request);
      const reply = route(request);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const connection: ConnectionDoc = {
    type: 'rest',
    name: 'api',
    rest: { baseURI: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bearerToken: 'tok' },
  };
  // The connection's own request path (base URI, headers, auth), then a plain fetch.
  const send: ImportSend = async (relative) => {
    const request = buildConnectionRequest(connection, relative);
    if (isConfigProblem(request)) throw new Error(request.message);
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
  };
  return { seen, send, maxInFlight: () => maxInFlight, writes: () => seen.filter((s) => s.method !== 'GET') };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const aRest = (relativeURI: string | string[], method: ImportModel['method'] | string[], extra: Partial<ImportModel> = {}): ImportModel =>
  ({ rest: { relativeURI, method }, ...extra }) as ImportModel;

describe('runImport — the seed example', () => {
  it('PUTs each mapped record and answers the seed\'s result shape, in order', async () => {
    const api = await anApi(({ body }) => {
      const record = body as { timestamp: number; key: string };
      return {
        status: 200,
        body: { _id: '5a1498b3bc227369ab2aa6b6', createdAt: '2017-11-21T21:37:10.497Z', key: record.key, timestamp: new Date(record.timestamp).toISOString(), __v: 0 },
      };
    });
    const records = Array.from({ length: 4 }, () => ({ timestamp: 1512012818751, key: 'sqs_flow' }));
    const results = await runImport({ rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] } }, records, api.send);
    expect(results).toHaveLength(4);
    for (const result of results) {
      expect(result).toEqual({
        statusCode: 200,
        id: '5a1498b3bc227369ab2aa6b6',
        _json: { _id: '5a1498b3bc227369ab2aa6b6', createdAt: '2017-11-21T21:37:10.497Z', key: 'sqs_flow', timestamp: '2017-11-30T03:33:38.751Z', __v: 0 },
      });
    }
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual(Array.from({ length: 4 }, () => 'PUT /system/v1/heartbeat'));
    expect(api.seen[0]?.headers.authorization).toBe('Bearer tok');
    expect(api.seen[0]?.headers['content-type']).toBe('application/json');
    expect(api.seen[0]?.body).toEqual({ timestamp: 1512012818751, key: 'sqs_flow' });
  });
});

describe('runImport — one record never fails the others', () => {
  it('gives record 2 its 422 with the upstream message while 1, 3 and 4 succeed, in order', async () => {
    const api = await anApi(({ body }) => {
      const { n } = body as { n: number };
      return n === 2 ? { status: 422, body: { message: 'name is required' }, delayMs: 5 } : { status: 201, body: { id: `t${n}` }, delayMs: 20 - n * 4 };
    });
    const results = await runImport(aRest('things', 'POST'), [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], api.send);
    expect(results).toEqual([
      { statusCode: 201, id: 't1', _json: { id: 't1' } },
      { statusCode: 422, errors: [{ code: 'HTTP_422', message: 'name is required' }] },
      { statusCode: 201, id: 't3', _json: { id: 't3' } },
      { statusCode: 201, id: 't4', _json: { id: 't4' } },
    ]);
  });

  it('turns a throwing send into that record\'s failure', async () => {
    const api = await anApi(() => ({ status: 200, body: { id: 'ok' } }));
    const send: ImportSend = (request) => (request.body?.includes('boom') ? Promise.reject(new Error('socket hang up')) : api.send(request));
    const results = await runImport(aRest('things', 'POST'), [{ v: 'a' }, { v: 'boom' }, { v: 'c' }], send);
    expect(results[0]).toMatchObject({ statusCode: 200, id: 'ok' });
    expect(results[1]).toEqual({ statusCode: 502, errors: [{ code: 'IMPORT_REQUEST_FAILED', message: 'The write request failed: socket hang up' }] });
    expect(results[2]).toMatchObject({ statusCode: 200, id: 'ok' });
  });

  it('reads errorPath and successPath of a 2xx, and clips long messages to 300 characters', async () => {
    const api = await anApi(({ body }) => {
      const { n } = body as { n: number };
      if (n === 1) return { status: 200, body: { ok: false, problem: 'x'.repeat(400) } };
      if (n === 2) return { status: 200, body: { ok: false } };
      return { status: 200, body: { ok: true, data: { key: 99 } } };
    });
    const model: ImportModel = { http: { relativeURI: 'things', method: 'POST', response: { errorPath: 'problem', successPath: 'ok', resourceIdPath: 'data.key' } } };
    const [first, second, third] = await runImport(model, [{ n: 1 }, { n: 2 }, { n: 3 }], api.send);
    expect(first).toEqual({ statusCode: 200, errors: [{ code: 'IMPORT_REJECTED', message: 'x'.repeat(300) }] });
    expect(second).toMatchObject({ statusCode: 200, errors: [{ code: 'IMPORT_REJECTED' }] });
    expect(third).toMatchObject({ statusCode: 200, id: '99' });
  });
});

describe('runImport — templates', () => {
  it('renders {{data.*}} into the relativeURI (URI-encoded) and fails only a record without the value', async () => {
    const api = await anApi(({ url }) => ({ status: 200, body: { _id: url } }));
    const model: ImportModel = {
      http: { relativeURI: 'customers/{{data.id}}', method: 'PUT', headers: [{ name: 'X-Tenant', value: '{{connection.tenant}}' }], body: { name: '{{record.name}}' } },
    };
    const results = await runImport(model, [{ id: 'a/b', name: 'Ann' }, { name: 'no id' }, { id: 7, name: 'Bo' }], api.send, { scope: { connection: { tenant: 'acme' } } });
    expect(results[0]).toMatchObject({ statusCode: 200, id: '/customers/a%2Fb' });
    expect(results[1]).toEqual({ statusCode: 422, errors: [{ code: 'TEMPLATE_MISSING_VALUE', message: 'relativeURI needs {{data.id}}, which has no value for this record.' }] });
    expect(results[2]).toMatchObject({ statusCode: 200, id: '/customers/7' });
    expect(api.seen.map((s) => [s.headers['x-tenant'], s.body])).toEqual([
      ['acme', { name: 'Ann' }],
      ['acme', { name: 'Bo' }],
    ]);
  });

  it('sends the idempotency key of each record', async () => {
    const api = await anApi(() => ({ status: 204 }));
    const results = await runImport(aRest('things', 'POST'), [{}, {}], api.send, { idempotencyKey: (i) => `run-1:${i}` });
    expect(results).toEqual([{ statusCode: 204 }, { statusCode: 204 }]);
    expect(api.seen.map((s) => s.headers['idempotency-key']).sort()).toEqual(['run-1:0', 'run-1:1']);
  });
});

describe('runImport — composite upsert and ignore flags', () => {
  /** Customers by email; the lookup answers `{ results: [...] }`. */
  async function aCustomerApi() {
    const customers = new Map([['ann@x.test', { id: 'c1', email: 'ann@x.test' }]]);
    return anApi(({ method, url, body }) => {
      if (method === 'GET') {
        const email = new URL(url, 'http://h').searchParams.get('email') ?? '';
        if (email === 'broken@x.test') return { status: 500, body: { error: 'search is down' } };
        const found = customers.get(email);
        return { status: 200, body: { results: found ? [found] : [] } };
      }
      return { status: method === 'POST' ? 201 : 200, body: { id: method === 'POST' ? 'new' : url.split('/').pop(), ...(body as object) } };
    });
  }
  const upsert = (extra: Partial<ImportModel> = {}): ImportModel => ({
    rest: { relativeURI: ['customers/{{lookup.id}}', 'customers'], method: ['PUT', 'POST'] },
    existingLookup: { relativeURI: 'customers?email={{data.email}}', resultPath: 'results' },
    ...extra,
  });
  const records = [{ email: 'ann@x.test' }, { email: 'bob@x.test' }];

  it('updates a record the lookup finds and creates one it does not', async () => {
    const api = await aCustomerApi();
    const results = await runImport(upsert(), records, api.send);
    expect(results).toEqual([
      { statusCode: 200, id: 'c1', _json: { id: 'c1', email: 'ann@x.test' } },
      { statusCode: 201, id: 'new', _json: { id: 'new', email: 'bob@x.test' } },
    ]);
    expect(api.writes().map((s) => `${s.method} ${s.url}`).sort()).toEqual(['POST /customers', 'PUT /customers/c1']);
  });

  it('ignoreExisting skips found records without writing them', async () => {
    const api = await aCustomerApi();
    const results = await runImport(upsert({ ignoreExisting: true }), records, api.send);
    expect(results).toEqual([{ statusCode: 200, id: 'c1', ignored: true }, { statusCode: 201, id: 'new', _json: { id: 'new', email: 'bob@x.test' } }]);
    expect(api.writes().map((s) => `${s.method} ${s.url}`)).toEqual(['POST /customers']);
  });

  it('ignoreMissing only updates, also with a single relativeURI', async () => {
    const api = await aCustomerApi();
    const model: ImportModel = { ...upsert({ ignoreMissing: true }), rest: { relativeURI: 'customers/{{lookup.id}}', method: 'PATCH' } };
    const results = await runImport(model, records, api.send);
    expect(results).toEqual([{ statusCode: 200, id: 'c1', _json: { id: 'c1', email: 'ann@x.test' } }, { statusCode: 200, ignored: true }]);
    expect(api.writes().map((s) => `${s.method} ${s.url}`)).toEqual(['PATCH /customers/c1']);
  });

  it('fails a record whose lookup errors, without writing it (no blind duplicate)', async () => {
    const api = await aCustomerApi();
    const results = await runImport(upsert(), [{ email: 'broken@x.test' }, { email: 'bob@x.test' }], api.send);
    expect(results[0]).toEqual({ statusCode: 500, errors: [{ code: 'IMPORT_LOOKUP_FAILED', message: 'existingLookup answered HTTP 500: search is down' }] });
    expect(results[1]).toMatchObject({ statusCode: 201, id: 'new' });
    expect(api.writes()).toHaveLength(1);
  });

  it('decides existence from a record field with rest.existingExtract', async () => {
    const api = await aCustomerApi();
    const model: ImportModel = { rest: { relativeURI: ['customers/{{lookup.id}}', 'customers'], method: ['PUT', 'POST'], existingExtract: 'crmId' } };
    await runImport(model, [{ crmId: 'c9' }, { crmId: '' }], api.send);
    expect(api.seen.map((s) => `${s.method} ${s.url}`).sort()).toEqual(['POST /customers', 'PUT /customers/c9']);
  });
});

describe('runImport — concurrency and cancellation', () => {
  it('keeps at most `concurrency` requests in flight (default 4)', async () => {
    const api = await anApi(() => ({ status: 200, body: { id: 'x' }, delayMs: 25 }));
    const ten = Array.from({ length: 10 }, (_, n) => ({ n }));
    expect(await runImport(aRest('things', 'POST'), ten, api.send, { concurrency: 3 })).toHaveLength(10);
    expect(api.maxInFlight()).toBe(3);
    const other = await anApi(() => ({ status: 200, body: { id: 'x' }, delayMs: 25 }));
    await runImport(aRest('things', 'POST'), ten, other.send);
    expect(other.maxInFlight()).toBe(4);
  });

  it('stops starting records once the signal aborts and reports the rest as cancelled', async () => {
    const controller = new AbortController();
    const api = await anApi(() => ({ status: 200, body: { id: 'x' } }));
    const send: ImportSend = async (request) => {
      const response = await api.send(request);
      controller.abort();
      return response;
    };
    const results = await runImport(aRest('things', 'POST'), [{}, {}, {}], send, { concurrency: 1, signal: controller.signal });
    expect(results[0]).toMatchObject({ statusCode: 200, id: 'x' });
    expect(results.slice(1)).toEqual(Array.from({ length: 2 }, () => ({ statusCode: 503, errors: [{ code: 'IMPORT_CANCELLED', message: expect.any(String) }] })));
    expect(api.seen).toHaveLength(1);
  });
});

describe('runImport — batching (http.batchSize > 1)', () => {
  const batchModel = (response: NonNullable<ImportModel['http']>['response'] = { resourcePath: 'results', errorPath: 'error' }): ImportModel => ({
    http: { relativeURI: 'contacts/bulk', method: 'POST', batchSize: 2, response },
  });

  it('sends arrays in order and gives each record its own entry of the response', async () => {
    const api = await anApi(({ body }) => {
      const batch = body as Array<{ n: number }>;
      return { status: 200, body: { results: batch.map(({ n }) => (n === 3 ? { error: 'duplicate email' } : { id: `k${n}` })) } };
    });
    const results = await runImport(batchModel(), [1, 2, 3, 4, 5].map((n) => ({ n })), api.send);
    expect(api.seen.map((s) => s.body)).toEqual([[{ n: 1 }, { n: 2 }], [{ n: 3 }, { n: 4 }], [{ n: 5 }]]);
    expect(results).toEqual([
      { statusCode: 200, id: 'k1', _json: { id: 'k1' } },
      { statusCode: 200, id: 'k2', _json: { id: 'k2' } },
      { statusCode: 200, errors: [{ code: 'IMPORT_REJECTED', message: 'duplicate email' }] },
      { statusCode: 200, id: 'k4', _json: { id: 'k4' } },
      { statusCode: 200, id: 'k5', _json: { id: 'k5' } },
    ]);
  });

  it('gives every record of a failed batch the error and keeps the other batches aligned', async () => {
    const api = await anApi(({ body }) => {
      const batch = body as Array<{ n: number }>;
      if (batch.some(({ n }) => n === 3)) return { status: 400, body: { message: 'batch refused: bad row' } };
      // The last batch answers one result short: only the record without an entry fails.
      return { status: 200, body: { results: batch.slice(0, batch.length === 2 && batch[0]?.n === 5 ? 1 : 2).map(({ n }) => ({ id: `k${n}` })) } };
    });
    const results = await runImport(batchModel(), [1, 2, 3, 4, 5, 6].map((n) => ({ n })), api.send);
    const refused = { statusCode: 400, errors: [{ code: 'HTTP_400', message: 'batch refused: bad row' }] };
    expect(results).toEqual([
      { statusCode: 200, id: 'k1', _json: { id: 'k1' } },
      { statusCode: 200, id: 'k2', _json: { id: 'k2' } },
      refused,
      refused,
      { statusCode: 200, id: 'k5', _json: { id: 'k5' } },
      { statusCode: 200, errors: [{ code: 'IMPORT_RESPONSE_MISSING', message: expect.stringContaining('1 results for 2 records') }] },
    ]);
  });

  it('batches only the records to write after the lookups, by operation', async () => {
    const api = await anApi(({ method, url, body }) => {
      if (method === 'GET') return { status: url.endsWith('e=1') || url.endsWith('e=3') ? 200 : 404, body: { id: `found${url.slice(-1)}` } };
      return { status: 200, body: (body as unknown[]).map((_, i) => ({ id: `${method}${i}` })) };
    });
    const model: ImportModel = {
      http: { relativeURI: ['contacts/update', 'contacts/create'], method: ['PUT', 'POST'], batchSize: 10 },
      existingLookup: { relativeURI: 'contacts?e={{data.e}}' },
    };
    const results = await runImport(model, [1, 2, 3, 4].map((e) => ({ e })), api.send);
    expect(api.writes().map((s) => [s.method, s.body])).toEqual([
      ['PUT', [{ e: 1 }, { e: 3 }]],
      ['POST', [{ e: 2 }, { e: 4 }]],
    ]);
    expect(results.map((r) => ('id' in r ? r.id : r))).toEqual(['PUT0', 'POST0', 'PUT1', 'POST1']);
  });
});
