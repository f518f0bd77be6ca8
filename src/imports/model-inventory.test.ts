import { describe, expect, it } from 'vitest';
import { checkImportModel } from './model.js';

describe('the inventory form of an import (switchyard-inventory)', () => {
  it('is valid without a connection, with an optional mode', () => {
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' } }, null)).toEqual({ ok: true, value: { inventory: { idAppAccount: 'a1' } } });
    expect(checkImportModel({ inventory: { idAppAccount: 'a1', mode: 'replace' } }, null).ok).toBe(true);
  });
  it('refuses a connection, another form beside it, lookups and unknown modes', () => {
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' } }, 'http')).toMatchObject({ ok: false, details: [{ field: '_connectionId' }] });
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' }, http: { relativeURI: '/x', method: 'POST' } }, null)).toMatchObject({ ok: false, details: [{ field: 'inventory', message: 'cannot be combined with http' }] });
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' }, ignoreMissing: true }, null)).toMatchObject({ ok: false, details: expect.arrayContaining([{ field: 'ignoreMissing', message: 'is not supported with inventory: users are matched by email' }]) });
    expect(checkImportModel({ inventory: { idAppAccount: 'a1', mode: 'merge' } }, null).ok).toBe(false);
    expect(checkImportModel({ inventory: { idAppAccount: 'a1', extra: 1 } }, null).ok).toBe(false);
  });
  it('refuses dynamic lookups (no connection to call) but takes static ones', () => {
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' }, lookups: [{ name: 'l', relativeURI: '/x?k={{key}}' }] }, null)).toMatchObject({ ok: false, details: [{ field: 'lookups.0' }] });
    expect(checkImportModel({ inventory: { idAppAccount: 'a1' }, lookups: [{ name: 'l', map: { A: 'active' } }] }, null).ok).toBe(true);
  });
  it('other forms still need a connection', () => {
    expect(checkImportModel({ http: { relativeURI: '/x', method: 'POST' } }, null)).toMatchObject({ ok: false, details: [{ field: '_connectionId', message: 'is required: the connection it runs through' }] });
  });
});
