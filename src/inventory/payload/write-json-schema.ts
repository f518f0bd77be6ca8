import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syncPayloadJsonSchema } from './schema.js';

/**
 * Writes `schemas/sync-payload.json` from the TypeBox schema; `schema.test.ts` fails when the two
 * differ. Run after changing `schema.ts`: `npx tsx src/inventory/payload/write-json-schema.ts`.
 */
export const SYNC_PAYLOAD_SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/sync-payload.json', import.meta.url));

export function renderSyncPayloadSchemaFile(): string {
  return `${JSON.stringify(syncPayloadJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SYNC_PAYLOAD_SCHEMA_FILE, renderSyncPayloadSchemaFile());
  console.log(`wrote ${SYNC_PAYLOAD_SCHEMA_FILE}`);
}
