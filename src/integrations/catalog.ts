import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileChecker, createAjv } from '../validation.js';
import { IntegrationConfig } from './definition.js';

/** One shipped definition: `catalog/<name>.json`. */
export interface CatalogEntry {
  name: string;
  category: string;
  description: string;
  docs_url?: string;
  is_beta: boolean;
  config: IntegrationConfig;
}

/** The catalogue folder: `<package root>/catalog`, from both `src/` and `dist/`. */
export const CATALOG_DIR = fileURLToPath(new URL('../../catalog/', import.meta.url));

const check = compileChecker<IntegrationConfig>(createAjv('strict'), IntegrationConfig);

/**
 * Reads every definition once at start. A definition that does not validate stops the start:
 * the catalogue ships with the code, so a broken file is a bug, not user input.
 */
export function loadCatalog(dir: string = CATALOG_DIR): Map<string, CatalogEntry> {
  const entries = new Map<string, CatalogEntry>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return entries;
  }
  for (const file of files) {
    const raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CatalogEntry;
    const checked = check(raw.config);
    if (!checked.ok) {
      throw new Error(`catalog/${file} is not a valid integration: ${checked.details.map((d) => `${d.field} ${d.message}`).join('; ')}`);
    }
    entries.set(raw.name, { ...raw, is_beta: raw.is_beta ?? false });
  }
  return entries;
}
