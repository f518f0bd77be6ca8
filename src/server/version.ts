import { readFileSync } from 'node:fs';

// Read once from package.json so /health, OpenAPI and the CLI report the same version.
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
