import { describe, expect, it } from 'vitest';
import { checkImportModel } from './model.js';
import { ImportModelError, planImport } from './plan.js';
import { runImport } from './run-import.js';

const SEED_IMPORT = {
  mapping: { fields: [{ extract: 'timestamp', generate: 'timestamp' }, { generate: 'key', hardCodedValue: 'sqs_flow' }] },
  rest: { relativeURI: ['/system/v1/heartbeat'], method: ['PUT'] },
};

describe('checkImportModel', () => {
  it("accepts the seed's virtual import and passes its mapping through untouched", () => {
    const checked = checkImportModel(SEED_IMPORT, 'rest');
    expect(checked).toEqual({ ok: true, value: SEED_IMPORT });
  });

  it('refuses unknown fields and bad methods by name', () => {
    const checked = checkImportModel({ rest: { relativeURI: 'x', method: 'FETCH', extra: 1 } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.details.map((d) => d.field)).toEqual(expect.arrayContaining(['rest.extra', 'rest.method']));
  });

  it('needs existingLookup for two URIs and for the ignore flags', () => {
    const composite = checkImportModel({ http: { relativeURI: ['c/{{lookup.id}}', 'c'], method: ['PUT', 'POST'] } });
    expect(composite).toMatchObject({ ok: false, details: [{ field: 'existingLookup' }] });
    const ignoring = checkImportModel({ http: { relativeURI: 'c', method: 'POST' }, ignoreExisting: true });
    expect(ignoring).toMatchObject({ ok: false, details: [{ field: 'ignoreExisting' }] });
    const both = checkImportModel({ http: { relativeURI: 'c', method: 'POST' }, existingLookup: { relativeURI: 'c?q=1' }, ignoreExisting: true, ignoreMissing: true });
    expect(both).toMatchObject({ ok: false, details: [{ field: 'ignoreMissing' }] });
  });

  it('wants exactly one form, fitting the connection', () => {
    expect(checkImportModel({})).toMatchObject({ ok: false, details: [{ field: 'http', message: 'is required (or rest, or resource)' }] });
    expect(checkImportModel({ rest: { relativeURI: 'a', method: 'POST' } }, 'http')).toMatchObject({ ok: false, details: [{ field: 'rest' }] });
    expect(checkImportModel({ resource: 'contacts', method: 'create' }, 'integration')).toMatchObject({ ok: true });
    expect(checkImportModel({ http: { relativeURI: 'a', method: 'POST' }, method: 'create' })).toMatchObject({ ok: false, details: [{ field: 'method' }] });
  });
});

describe('planImport', () => {
  it('brings rest and http to one plan', () => {
    const plan = planImport({
      rest: { relativeURI: ['c/{{lookup.id}}', 'c'], method: 'PUT', headers: { 'X-A': '1' }, responseIdPath: 'data.id', existingExtract: 'crmId' },
    });
    expect(plan.ops).toEqual([
      { method: 'PUT', relativeURI: 'c/{{lookup.id}}' },
      { method: 'PUT', relativeURI: 'c' },
    ]);
    expect(plan).toMatchObject({ headers: { 'x-a': '1' }, batchSize: 1, finder: { kind: 'extract', path: 'crmId' }, response: { idPath: 'data.id' } });
  });

  it('throws for the integration form, which the caller resolves, and for invalid models', async () => {
    expect(() => planImport({ resource: 'contacts', method: 'create' })).toThrow(ImportModelError);
    await expect(runImport({ http: { relativeURI: ['a', 'b'], method: ['PUT', 'POST'] } }, [{}], () => Promise.reject(new Error('unused')))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
    });
  });
});

describe('integration-form imports', () => {
  it('refuses upsert and ignore rules it cannot honour instead of ignoring them', async () => {
    const { checkImportModel } = await import('./model.js');
    const checked = checkImportModel({ resource: 'contacts', method: 'create', ignoreExisting: true }, 'integration');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.details).toContainEqual(expect.objectContaining({ field: 'ignoreExisting' }));
    expect(checkImportModel({ resource: 'contacts', method: 'create' }, 'integration').ok).toBe(true);
  });
});
