import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileChecker, createAjv } from '../../validation.js';
import { SyncLicense, SyncLicenseUser, SyncPayload, SyncUser, syncPayloadJsonSchema } from './schema.js';
import { validateLicense, validateLicenseUser, validateUser } from './validate.js';
import { renderSyncPayloadSchemaFile, SYNC_PAYLOAD_SCHEMA_FILE } from './write-json-schema.js';

const ajv = createAjv('strict');
const checkPayload = compileChecker<SyncPayload>(ajv, SyncPayload);
const checkUser = compileChecker<SyncUser>(ajv, SyncUser);
const checkLicense = compileChecker<SyncLicense>(ajv, SyncLicense);
const checkLicenseUser = compileChecker<SyncLicenseUser>(ajv, SyncLicenseUser);

describe('sync payload JSON Schema', () => {
  it('schemas/sync-payload.json is the TypeBox schema (regenerate: npx tsx src/inventory/payload/write-json-schema.ts)', () => {
    const file = readFileSync(SYNC_PAYLOAD_SCHEMA_FILE, 'utf8');
    expect(JSON.parse(file)).toEqual(syncPayloadJsonSchema());
    expect(file).toBe(renderSyncPayloadSchemaFile());
  });

  it('is a draft-07 schema that Ajv compiles, and its examples pass', () => {
    const document = syncPayloadJsonSchema();
    expect(document.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(document)).toBe(true);
    for (const [schema, check] of [
      [SyncPayload, checkPayload],
      [SyncUser, checkUser],
      [SyncLicense, checkLicense],
      [SyncLicenseUser, checkLicenseUser],
    ] as const) {
      const { description, examples } = schema as unknown as { description: string; examples: unknown[] };
      expect(description).toBeTruthy();
      for (const example of examples) expect(check(example)).toMatchObject({ ok: true });
    }
  });

  it('every field has a description', () => {
    for (const schema of [SyncPayload, SyncUser, SyncLicense, SyncLicenseUser]) {
      for (const [name, field] of Object.entries(schema.properties)) expect({ name, description: (field as { description?: string }).description }).toEqual({ name, description: expect.any(String) });
    }
  });

  it('refuses a payload without users', () => {
    expect(checkPayload({ licenses: [] })).toEqual({ ok: false, details: [{ field: 'users', message: 'is required' }] });
    expect(checkPayload({ users: [] }).ok).toBe(false);
  });
});

/** Rows on which the schema and the row validator must agree (the validator adds calendar checks). */
const users: [unknown, boolean][] = [
  [{ email: 'ada@example.com' }, true],
  [{ email: ' Ada@Example.COM ', id: 'x', firstName: null, status: 'deleted', roles: ['a', 'a'], lastUsedDate: '2024-05-31' }, true],
  [{ email: 'a@b', lastUsedDate: '2024-05-31T09:30:00.123456+02:00', externalStatus: 'Suspended', unknownField: 1 }, true],
  [{ email: 'a@b', lastUsedDate: '2024-05-31T09:30' }, true],
  [{}, false],
  [{ email: 'not-an-email' }, false],
  [{ email: 'a@b', status: 'suspended' }, false],
  [{ email: 'a@b', roles: 'admin' }, false],
  [{ email: 'a@b', roles: [1] }, false],
  [{ email: 'a@b', lastUsedDate: '31/05/2024' }, false],
  [{ email: 'a@b', lastUsedDate: '2024-05-31 09:30:00' }, false],
  [{ email: 'a@b', id: 7 }, false],
  [{ email: 'a@b', firstName: 'x'.repeat(201) }, false],
  ['a@b', false],
];
const licenses: [unknown, boolean][] = [
  [{ name: 'Pro' }, true],
  [{ name: 'Pro', unassignedAmount: 0, pricePerUser: 1299, users: [] }, true],
  [{ name: 'Pro', pricePerUser: null, users: null }, true],
  [{ name: '  ' }, false],
  [{ name: 'Pro', pricePerUser: 12.99 }, false],
  [{ name: 'Pro', unassignedAmount: -1 }, false],
  [{ name: 'Pro', users: {} }, false],
  [{ pricePerUser: 1 }, false],
];
const licenseUsers: [unknown, boolean][] = [
  [{ email: 'ada@example.com' }, true],
  [{ email: 'ada@example.com', licenseStatus: 'inactive' }, true],
  [{ email: 'ada@example.com', licenseStatus: 'suspended' }, false],
  [{ licenseStatus: 'active' }, false],
];

describe('schema and row validator agree', () => {
  it.each(users)('user %j → %s', (row, valid) => {
    expect(checkUser(row).ok).toBe(valid);
    expect(validateUser(row, 0).ok).toBe(valid);
  });
  it.each(licenses)('license %j → %s', (row, valid) => {
    expect(checkLicense(row).ok).toBe(valid);
    expect(validateLicense(row, 0).ok).toBe(valid);
  });
  it.each(licenseUsers)('license user %j → %s', (row, valid) => {
    expect(checkLicenseUser(row).ok).toBe(valid);
    expect(validateLicenseUser(row, 0, 'Pro', new Map([['ada@example.com', 'active' as const]])).ok).toBe(valid);
  });
});
