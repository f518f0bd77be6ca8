import { describe, expect, it } from 'vitest';
import type { ResponseReading } from './plan.js';
import { idOf, readBatchResponse, readLookupResponse, readWriteResponse } from './results.js';

const plain: ResponseReading = { resourcePath: undefined, idPath: undefined, successPath: undefined, successValues: undefined, errorPath: undefined };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('readWriteResponse', () => {
  it('keeps a non-JSON body as text and an empty one out', () => {
    expect(readWriteResponse(plain, 200, Buffer.from('accepted'))).toEqual({ statusCode: 200, _json: 'accepted' });
    expect(readWriteResponse(plain, 204, Buffer.alloc(0))).toEqual({ statusCode: 204 });
  });

  it('reads the id inside resourcePath and checks successValues there', () => {
    const reading = { ...plain, resourcePath: 'data', successPath: 'state', successValues: ['CREATED', 'UPDATED'] };
    expect(readWriteResponse(reading, 200, json({ data: [{ _id: 5, state: 'CREATED' }] }))).toMatchObject({ statusCode: 200, id: '5' });
    expect(readWriteResponse(reading, 200, json({ data: { state: 'FAILED', message: 'locked' } }))).toEqual({
      statusCode: 200,
      errors: [{ code: 'IMPORT_REJECTED', message: 'locked' }],
    });
  });

  it("names the upstream's message in the usual places, else its body", () => {
    expect(readWriteResponse(plain, 400, json({ errors: [{ message: 'email invalid' }] }))).toMatchObject({ errors: [{ code: 'HTTP_400', message: 'email invalid' }] });
    expect(readWriteResponse(plain, 409, json({ detail: 'exists' }))).toMatchObject({ errors: [{ code: 'HTTP_409', message: '{"detail":"exists"}' }] });
    expect(readWriteResponse(plain, 503, Buffer.alloc(0))).toMatchObject({ errors: [{ code: 'HTTP_503', message: 'The API answered HTTP 503.' }] });
  });
});

describe('a 2xx whose JSON is truncated or garbled', () => {
  it('fails the record (it may or may not have been written) instead of counting it imported', () => {
    expect(readWriteResponse(plain, 201, Buffer.from('{"id": "a1", "na'))).toMatchObject({ statusCode: 201, errors: [{ code: 'IMPORT_RESPONSE_INVALID' }] });
    expect(readBatchResponse(plain, 200, Buffer.from('[{"id": <html>'), 3)).toEqual(
      Array(3).fill({ statusCode: 200, errors: [{ code: 'IMPORT_RESPONSE_INVALID', message: expect.stringContaining('not valid JSON') }] }),
    );
  });

  it('still takes plain text and error statuses as before', () => {
    expect(readBatchResponse(plain, 200, Buffer.from('accepted'), 2)).toEqual(Array(2).fill({ statusCode: 200, _json: 'accepted' }));
    expect(readWriteResponse(plain, 502, Buffer.from('{"err'))).toMatchObject({ errors: [{ code: 'HTTP_502' }] });
  });
});

describe('readBatchResponse', () => {
  it('lets a body without per-record array speak for every record', () => {
    expect(readBatchResponse(plain, 202, json({ queued: 2 }), 2)).toEqual([
      { statusCode: 202, _json: { queued: 2 } },
      { statusCode: 202, _json: { queued: 2 } },
    ]);
  });

  it('takes scalar entries as the ids of their records', () => {
    expect(readBatchResponse({ ...plain, resourcePath: 'ids' }, 200, json({ ids: [101, 'b2'] }), 2)).toEqual([
      { statusCode: 200, id: '101', _json: 101 },
      { statusCode: 200, id: 'b2', _json: 'b2' },
    ]);
  });

  it('fails every record when resourcePath holds no array', () => {
    const results = readBatchResponse({ ...plain, resourcePath: 'results' }, 200, json({ error: 'quota exceeded' }), 2);
    expect(results).toEqual(Array.from({ length: 2 }, () => ({ statusCode: 200, errors: [{ code: 'IMPORT_RESPONSE_INVALID', message: 'The batch response has no array at "results": quota exceeded' }] })));
  });
});

describe('readLookupResponse', () => {
  it('finds ids in values, arrays and objects; 404 and empties are missing', () => {
    expect(readLookupResponse('id', 200, json({ id: 12 }))).toEqual({ found: true, id: '12' });
    expect(readLookupResponse(undefined, 200, json([{ _id: 'a' }, { _id: 'b' }]))).toEqual({ found: true, id: 'a' });
    expect(readLookupResponse('items', 200, json({ items: [] }))).toEqual({ found: false });
    expect(readLookupResponse(undefined, 200, json({}))).toEqual({ found: false });
    expect(readLookupResponse(undefined, 404, json({ message: 'no' }))).toEqual({ found: false });
    expect(readLookupResponse(undefined, 403, json({ message: 'forbidden' }))).toMatchObject({ statusCode: 403, errors: [{ code: 'IMPORT_LOOKUP_FAILED' }] });
  });

  it('idOf never walks into the prototype', () => {
    expect(idOf({}, 'constructor')).toBeUndefined();
    expect(idOf({ id: '' }, undefined)).toBeUndefined();
  });
});
