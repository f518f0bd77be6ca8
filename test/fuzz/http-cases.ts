import type { RawRequest } from '../helpers/raw-http.js';

/** A hostile request and what it tries (shown in a finding). */
export interface FuzzCase extends RawRequest {
  label: string;
}

/** Path segments a hostile client puts where an id goes (already percent-encoded as sent). */
export const HOSTILE_SEGMENTS = [
  '..',
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '..%2f..%2f..%2fswitchyard.db',
  '..%5c..%5cwindows',
  '%00',
  'abc%00def',
  '%ff%fe',
  '%',
  '%zz',
  "1'%20OR%20'1'='1",
  'a'.repeat(3000),
  '0'.repeat(24),
  'ffffffffffffffffffffffff',
  '-1',
  '1e309',
  '9007199254740993',
  '%F0%9F%92%A9',
  '__proto__',
  'constructor',
  '%7B%7Bcredentials.api_key%7D%7D',
];

/** Whole paths that try to climb out of a route (static files, uploads, the data dir). */
export const TRAVERSAL_PATHS = [
  '/v1/connections/../../etc/passwd',
  '/v1/%2e%2e/%2e%2e/etc/passwd',
  '/docs/..%2f..%2fpackage.json',
  '/docs/%2e%2e/%2e%2e/package.json',
  '/docs/js/..%2f..%2f..%2fpackage.json',
  '/uploads/..%2f..%2fswitchyard.db',
  '/uploads/%2e%2e%2fswitchyard.db',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%00/etc/passwd',
  '/health%00',
  '//health',
  '/v1//connections',
  '/v1/connections%2f..%2f..%2fhealth',
  '/webhooks/..%2f..%2fv1%2fconnections/x',
  '/schemas/..%2f..%2fpackage.json',
];

/** Text that must never come back from a traversal attempt. */
export const LEAK_MARKERS = ['root:x:0:0', '"devDependencies"', 'SQLite format 3', 'BEGIN PRIVATE KEY'];

function nested(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** Bodies that break parsers and validators; every one must be a 4xx, none a 500. */
export function hostileBodies(bodyLimit: number): FuzzCase[] {
  const json = { 'content-type': 'application/json' };
  return [
    { label: 'malformed JSON', method: '', path: '', headers: json, body: '{"name": "x",' },
    { label: 'JSON with trailing garbage', method: '', path: '', headers: json, body: '{"name":"x"}}}' },
    { label: 'empty JSON body', method: '', path: '', headers: json, body: '' },
    { label: 'JSON null', method: '', path: '', headers: json, body: 'null' },
    { label: 'JSON string', method: '', path: '', headers: json, body: '"text"' },
    { label: 'JSON number', method: '', path: '', headers: json, body: '1e400' },
    { label: 'JSON array', method: '', path: '', headers: json, body: '[1,{"a":null}]' },
    { label: 'lone surrogate', method: '', path: '', headers: json, body: '{"name":"\\ud800"}' },
    { label: 'oversized body', method: '', path: '', headers: json, body: JSON.stringify({ name: 'x'.repeat(bodyLimit + 1024) }) },
    { label: 'deeply nested arrays', method: '', path: '', headers: json, body: nested(20_000, '[', ']') },
    { label: 'deeply nested objects', method: '', path: '', headers: json, body: nested(5_000, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}') },
    { label: '__proto__ pollution', method: '', path: '', headers: json, body: '{"__proto__":{"polluted":true},"name":"x"}' },
    { label: 'constructor.prototype pollution', method: '', path: '', headers: json, body: '{"constructor":{"prototype":{"polluted":true}}}' },
    { label: 'no content-type', method: '', path: '', headers: {}, body: '{"name":"x"}' },
    { label: 'text/plain', method: '', path: '', headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}' },
    { label: 'xml', method: '', path: '', headers: { 'content-type': 'application/xml' }, body: '<a>1</a>' },
    { label: 'form urlencoded', method: '', path: '', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x&_id=1' },
    { label: 'json with odd charset', method: '', path: '', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{"name":"x"}' },
    { label: 'garbage content-type', method: '', path: '', headers: { 'content-type': ';;;/==' }, body: '{"name":"x"}' },
    { label: 'duplicated content-type', method: '', path: '', headers: { 'content-type': ['application/json', 'text/plain'] }, body: '{"name":"x"}' },
    { label: 'multipart without boundary', method: '', path: '', headers: { 'content-type': 'multipart/form-data' }, body: 'garbage' },
    {
      label: 'multipart with a broken part',
      method: '',
      path: '',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="../../x.json"\r\n\r\n{"users":[',
    },
    { label: 'content-length lies', method: '', path: '', headers: { ...json, 'content-length': '5' }, body: '{"name":"x"}' },
  ];
}

/** Authorization headers that must all be refused the same way, never with a 500. */
export function hostileAuthorizations(validKey: string): Array<{ label: string; value: string | string[] | undefined }> {
  return [
    { label: 'no authorization', value: undefined },
    { label: 'empty bearer', value: 'Bearer ' },
    { label: 'bearer with spaces', value: 'Bearer a b c' },
    { label: 'basic scheme', value: 'Basic Zm9vOmJhcg==' },
    { label: 'unknown key', value: 'Bearer sy_unknownunknownunknownunknownunknownunknown0' },
    { label: 'key with a null byte', value: 'Bearer sy_abc%00' },
    { label: 'huge key', value: `Bearer ${'k'.repeat(8_000)}` },
    { label: 'bad key then valid key', value: ['Bearer sy_wrongwrongwrong', `Bearer ${validKey}`] },
  ];
}

/** Methods nobody registered; the answer is a 4xx with the error shape. */
export const ODD_METHODS = ['OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'SEARCH', 'LOCK'];

/** Values of a query parameter that are wrong in type, range or encoding. */
export const HOSTILE_QUERY_VALUES = ['abc', '-1', '0', '1e309', '99999999999999999999', '', '%00', '%ff', 'x'.repeat(5000), '[]', '{}', 'true'];
