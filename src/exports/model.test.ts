import { describe, expect, it } from 'vitest';
import { checkExportModel } from './model.js';

// The export bodies of seeds 003 and 004, as users will paste them.
const seedNetSuite = {
  asynchronous: true,
  pageSize: 5,
  netsuite: { type: 'search', searches: [{ recordType: 'customRecord', savedSearchId: '123456' }], skipGrouping: true },
};
const seedSalesforce = {
  name: 'sfdummyconnection',
  _connectionId: '641aaaaaaaaaaaaaaaaaa913',
  asynchronous: true,
  oneToMany: false,
  sandbox: false,
  rawData: '640aaaaaaaaaaaaaaaaaaa4a8',
  salesforce: { type: 'soql', api: 'rest', soql: { query: "Select Name from Account where name like 'test7676'" } },
  adaptorType: 'SalesforceExport',
};
const anHttpExport = (http: Record<string, unknown> = {}) => ({
  name: 'Open tickets',
  pageSize: 5,
  http: { relativeURI: '/tickets?page={{export.http.paging.page}}', method: 'GET', paging: { method: 'page', lastPageStatusCode: 404 }, ...http },
});

describe('checkExportModel', () => {
  it('refuses the seed NetSuite export with the clear message, not "unknown field"', () => {
    expect(checkExportModel(seedNetSuite)).toEqual({
      ok: false,
      code: 'EXPORT_UNSUPPORTED',
      message: 'NetSuite exports are not supported; use http/rest or an integration resource.',
      details: [{ field: 'netsuite', message: 'NetSuite exports are not supported; use http/rest or an integration resource' }],
    });
  });

  it('refuses the seed Salesforce export the same way, its other fields being known', () => {
    const checked = checkExportModel(seedSalesforce);
    expect(checked).toMatchObject({ ok: false, code: 'EXPORT_UNSUPPORTED', message: 'Salesforce exports are not supported; use http/rest or an integration resource.' });
    const { salesforce: _s, adaptorType: _a, ...rest } = seedSalesforce;
    expect(checkExportModel({ ...rest, ...anHttpExport() })).toMatchObject({ ok: true });
  });

  it('refuses other adaptors and one-to-many exports; accepts HTTPExport and RESTExport', () => {
    expect(checkExportModel({ ...anHttpExport(), adaptorType: 'FTPExport' })).toMatchObject({ code: 'EXPORT_UNSUPPORTED', message: expect.stringContaining('"FTPExport" exports') });
    expect(checkExportModel({ ...anHttpExport(), oneToMany: true })).toMatchObject({ code: 'EXPORT_UNSUPPORTED', details: [{ field: 'oneToMany' }] });
    expect(checkExportModel({ ...anHttpExport(), adaptorType: 'HTTPExport' })).toMatchObject({ ok: true });
  });

  it('accepts headers as a list or a record, and a body as text or an object', () => {
    expect(checkExportModel(anHttpExport({ headers: [{ name: 'Accept', value: 'application/json' }], body: 'q=1' }))).toMatchObject({ ok: true });
    expect(checkExportModel(anHttpExport({ headers: { Accept: 'application/json' }, method: 'POST', body: { q: 1 } }))).toMatchObject({ ok: true });
  });

  it('names unknown and wrong fields the way a user writes them', () => {
    expect(checkExportModel(anHttpExport({ pagng: {} }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'http.pagng', message: expect.stringContaining('not a known field') }],
    });
    expect(checkExportModel(anHttpExport({ paging: { method: 'cursor' } }))).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'http.paging.method' }] });
    expect(checkExportModel(anHttpExport({ method: 'DELETE' }))).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'http.method' }] });
  });

  it('needs exactly one of http, rest and resource, fitting the connection type', () => {
    expect(checkExportModel({ name: 'x' })).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'http', message: 'is required (or rest, or resource)' }] });
    expect(checkExportModel({ ...anHttpExport(), rest: { relativeURI: '/x' } })).toMatchObject({ details: [{ field: 'rest', message: 'cannot be combined with http' }] });
    expect(checkExportModel({ rest: { relativeURI: '/x' } }, 'http')).toMatchObject({ details: [{ field: 'rest', message: expect.stringContaining('type "rest"') }] });
    expect(checkExportModel({ rest: { relativeURI: '/x', pagingMethod: 'pageargument', pageArgument: 'page' } }, 'rest')).toMatchObject({ ok: true });
    expect(checkExportModel({ resource: 'users', method: 'list', query: { active: true } }, 'integration')).toMatchObject({ ok: true });
    expect(checkExportModel({ ...anHttpExport(), query: {} })).toMatchObject({ details: [{ field: 'query', message: 'is only allowed with resource' }] });
  });
});
